from access import system_actor
from missions.management.import_command import ImportCommand
from observers.imports import roster_import


class Command(ImportCommand):
    help = "Import an observer roster (CSV or XLSX) into a mission; a file with any bad row writes nothing."

    def import_file(self, *, mission, upload, filename):
        # The operator with a shell acts for the mission as a whole.
        return roster_import(actor=system_actor(mission), mission=mission, upload=upload, filename=filename)
