from missions.management.import_command import ImportCommand
from observers.imports import roster_import


class Command(ImportCommand):
    help = "Import an observer roster (CSV or XLSX) into a mission; a file with any bad row writes nothing."

    def import_file(self, *, mission, upload, filename):
        return roster_import(mission=mission, upload=upload, filename=filename)
