import time

from django.core.management.base import BaseCommand

from synthetic.demo import demo_mission_seed
from synthetic.second import second_mission_seed


class Command(BaseCommand):
    help = (
        "Load the demo missions (Kazakhstan 2019, and a small second mission to show isolation; fictional people); "
        "running it again changes nothing."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = demo_mission_seed()
        self.stdout.write(
            f"Demo mission '{summary.mission.slug}': {summary.regions} regions, {summary.stations} polling stations, "
            f"{summary.ltos} LTOs in {summary.lto_teams} teams, {summary.stos} STOs in {summary.sto_teams} teams, "
            f"{summary.forms} forms ({time.monotonic() - started:.1f} s)."
        )
        started = time.monotonic()
        second = second_mission_seed()
        self.stdout.write(
            f"Second demo mission '{second.slug}': {second.regions.count()} regions, "
            f"{second.polling_stations.count()} polling stations, {second.teams.count()} teams "
            f"({time.monotonic() - started:.1f} s)."
        )
