from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from checklists.choices import FormKind
from checklists.xlsform import template_import_xlsform
from missions.models import Mission


class Command(BaseCommand):
    help = (
        "Import an XLSForm workbook as the next draft version of a checklist of a mission; constructs the product "
        "cannot represent are listed by row, and a workbook that cannot make a checklist writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, help="The mission's slug.")
        parser.add_argument("--kind", choices=FormKind.values, help="The checklist (else the settings' eom_kind).")
        parser.add_argument("file", help="An XLSForm workbook (.xlsx).")

    def handle(self, *args, mission, kind=None, file, **options):
        found = Mission.objects.filter(slug=mission).first()
        if found is None:
            raise CommandError(f"No mission {mission}.")
        try:
            result = template_import_xlsform(mission=found, raw=Path(file).read_bytes(), kind=kind)
        except ValidationError as error:
            raise CommandError("Nothing imported:\n" + "\n".join(error.messages)) from error
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        for line in result.not_kept:
            self.stdout.write(f"not kept: {line}")
        self.stdout.write(self.style.SUCCESS(result.summary()))
