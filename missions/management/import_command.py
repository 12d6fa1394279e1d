"""The shared shape of the spreadsheet import commands."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from missions.models import Mission


class ImportCommand(BaseCommand):
    """`--mission SLUG FILE`: every row is checked first; any bad row writes nothing and every error is printed."""

    def import_file(self, *, mission, upload, filename):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, help="Mission slug")
        parser.add_argument("file")

    def handle(self, *args, mission, file, **options):
        try:
            target = Mission.objects.get(slug=mission)
        except Mission.DoesNotExist as exc:
            raise CommandError(f"No mission with slug '{mission}'.") from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        report = self.import_file(mission=target, upload=path.read_bytes(), filename=path.name)
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
