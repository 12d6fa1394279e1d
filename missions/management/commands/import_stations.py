from django.core.management.base import CommandError

from access import system_actor
from jobs.notices import notice_texts
from missions.imports import parse_column_mapping, stations_import
from missions.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a polling-station list (CSV or XLSX) into a mission; a file with any bad row writes nothing. "
        "Stations are identified by region and number (and TEC where numbers restart per TEC)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-geography",
            action="store_true",
            help="Create the regions and TECs the file names that the mission does not have yet.",
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Read FIELD from the file's column HEADER, e.g. --column 'number=Номер УИК' (repeatable).",
        )

    def handle(self, *args, create_geography=False, column=(), **options):
        columns, errors = parse_column_mapping(column)
        if errors:
            raise CommandError("; ".join(notice_texts(errors)))
        self.import_options = {"create_geography": create_geography, "columns": columns}
        return super().handle(*args, **options)

    def import_file(self, *, mission, upload, filename):
        return stations_import(
            actor=system_actor(mission), mission=mission, upload=upload, filename=filename, **self.import_options
        )
