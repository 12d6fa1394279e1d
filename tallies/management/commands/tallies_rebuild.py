from django.core.management.base import BaseCommand, CommandError

from missions.models import Mission
from tallies.services import pending_events, tallies_rebuild, tallies_roll_up


class Command(BaseCommand):
    help = (
        "Build the running tallies of a mission (or of every mission) again from its forms' revisions, then fold "
        "them; with --fold, only fold what ingest has appended. Run it on a quiet mission."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mission", help="The mission's slug (default: every mission).")
        parser.add_argument("--fold", action="store_true", help="Only fold pending events.")

    def handle(self, *args, mission=None, fold=False, **options):
        if fold:
            self.stdout.write(f"Folded {tallies_roll_up()} events; {pending_events()} pending.")
            return
        missions = Mission.objects.all()
        if mission:
            missions = missions.filter(slug=mission)
            if not missions.exists():
                raise CommandError(f"No mission with slug {mission!r}.")
        for row in missions.order_by("slug"):
            self.stdout.write(f"{row.slug}: {tallies_rebuild(mission=row)} revisions tallied.")
