"""python manage.py plan_deployment --mission SLUG [--basis stations|voters] [--route-length 10] [--seed N]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from access import system_actor
from deployment.choices import PlanningBasis
from deployment.services import deployment_plan
from jobs.notices import notice_texts
from missions.models import Mission


class Command(BaseCommand):
    help = "Plan LTO areas and STO teams' regions, TECs and routes (keeping locked and valid plans); print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, help="The mission's slug.")
        parser.add_argument("--basis", default=PlanningBasis.STATIONS, choices=PlanningBasis.values)
        parser.add_argument("--route-length", type=int, default=10, dest="route_length")
        parser.add_argument("--seed", type=int, default=2019)

    def handle(self, *args, mission, basis, route_length, seed, **options):
        found = Mission.objects.filter(slug=mission).first()
        if found is None:
            raise CommandError(f"No mission with the slug {mission!r}.")
        try:
            result = deployment_plan(
                actor=system_actor(found), mission=found, basis=basis, route_length=route_length, seed=seed
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        write = self.stdout.write
        write(self.style.SUCCESS(f"Planned by {PlanningBasis(basis).label.lower()}, routes of {route_length}."))
        write(
            f"Assignments: {result.planned} planned, {result.kept} kept, {result.locked} locked; "
            f"{result.moved} team(s) moved."
        )
        write("LTO areas:")
        for area in result.lto_areas:
            lock = " (locked)" if area["locked"] else ""
            write(f"  {area['team']}{lock}: {', '.join(area['regions']) or '-'} — base {area['base_city'] or '-'}")
        write(f"{'Region':<24}{'LTO':>8}{'quota':>9}{'teams':>7}")
        for row in result.regions:
            write(f"{row['region']:<24}{row['lto_team']:>8}{row['quota']:>9.2f}{row['teams']:>7}")
        write(f"Warnings: {len(result.warnings)}")
        for warning in notice_texts(result.warnings):
            write(self.style.WARNING(f"  - {warning}"))
