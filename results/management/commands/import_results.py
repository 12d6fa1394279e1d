import datetime
import json

from django.core.management.base import CommandError

from missions.management.import_command import ImportCommand
from results.choices import ResultsLevel, ResultsStage
from results.imports import results_import


class Command(ImportCommand):
    help = (
        "Import official per-station results (CSV or XLSX) as a new version; the mission's saved column mapping is "
        "used unless --mapping names columns; a file with any bad row writes nothing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--stage", choices=ResultsStage.values, default=ResultsStage.PRELIMINARY)
        parser.add_argument("--level", choices=ResultsLevel.values, default=ResultsLevel.STATION)
        parser.add_argument("--label", default="")
        parser.add_argument("--published-on", help="YYYY-MM-DD")
        parser.add_argument(
            "--mapping",
            default="",
            help='JSON: line -> column header, e.g. \'{"number": "№ УИК", "region": "Область"}\'',
        )

    def handle(self, *args, **options):
        try:
            self.mapping = json.loads(options["mapping"]) if options["mapping"] else None
        except json.JSONDecodeError as exc:
            raise CommandError(f"--mapping is not JSON: {exc}") from exc
        if self.mapping is not None and not isinstance(self.mapping, dict):
            raise CommandError("--mapping must be a JSON object of line -> column header.")
        try:
            self.published_on = (
                datetime.date.fromisoformat(options["published_on"]) if options["published_on"] else None
            )
        except ValueError as exc:
            raise CommandError("--published-on must be a date, YYYY-MM-DD.") from exc
        self.stage, self.label, self.level = options["stage"], options["label"], options["level"]
        super().handle(*args, mission=options["mission"], file=options["file"])

    def import_file(self, *, mission, upload, filename):
        return results_import(
            mission=mission,
            upload=upload,
            filename=filename,
            mapping=self.mapping,
            stage=self.stage,
            label=self.label,
            published_on=self.published_on,
            level=self.level,
        )
