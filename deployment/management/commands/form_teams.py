"""python manage.py form_teams --mission SLUG [--kind lto|sto|all] [--seed N] [--reform]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from access import system_actor
from deployment.choices import FormationKind
from deployment.services import teams_form
from jobs.notices import notice_text
from missions.models import Mission


class Command(BaseCommand):
    help = "Form teams of two from the mission's LTOs and STOs who are not yet in a team, and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, help="The mission's slug.")
        parser.add_argument("--kind", default=FormationKind.ALL, choices=FormationKind.values)
        parser.add_argument("--seed", type=int, default=2019)
        parser.add_argument("--reform", action="store_true", help="Dissolve unlocked teams of the kind first.")

    def handle(self, *args, mission, kind, seed, reform, **options):
        found = Mission.objects.filter(slug=mission).first()
        if found is None:
            raise CommandError(f"No mission with the slug {mission!r}.")
        try:
            result = teams_form(actor=system_actor(found), mission=found, kind=kind, seed=seed, reform=reform)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if result.dissolved:
            self.stdout.write(f"Dissolved {result.dissolved} unlocked team(s).")
        by_kind = {}
        for team in result.teams:
            by_kind[team.kind] = by_kind.get(team.kind, 0) + 1
        formed = ", ".join(f"{count} {kind.upper()}" for kind, count in sorted(by_kind.items())) or "none"
        self.stdout.write(self.style.SUCCESS(f"Teams formed: {len(result.teams)} ({formed})."))
        self.stdout.write(f"Needing an interpreter: {result.needing_interpreter}.")
        if result.teams:
            self.stdout.write(f"Codes: {result.teams[0].code} .. {result.teams[-1].code}")
        self.stdout.write(f"Left out: {len(result.left_out)}.")
        for _membership, reason in result.left_out:
            self.stdout.write(self.style.WARNING(f"  - {notice_text(reason)}"))
