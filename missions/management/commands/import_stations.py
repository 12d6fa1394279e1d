from missions.imports import stations_import
from missions.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import a polling-station list (CSV or XLSX) into a mission; a file with any bad row writes nothing."

    def import_file(self, *, mission, upload, filename):
        return stations_import(mission=mission, upload=upload, filename=filename)
