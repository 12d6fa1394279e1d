"""Send the digest of open incident cases: `manage.py cases_digest [--mission SLUG]`."""

from django.core.management.base import BaseCommand, CommandError

from missions.models import Mission

from ...services import cases_digest, cases_digest_all


class Command(BaseCommand):
    help = "E-mail each mission's core team the list of open incident cases (opening any an urgent form lacks)."

    def add_arguments(self, parser):
        parser.add_argument("--mission", help="Only this mission (its slug); default: every mission with open cases.")

    def handle(self, *args, **options):
        if options["mission"]:
            mission = Mission.objects.filter(slug=options["mission"]).first()
            if mission is None:
                raise CommandError(f"No mission with the slug {options['mission']!r}.")
            results = [cases_digest(mission=mission)]
        else:
            results = cases_digest_all()
        for result in results:
            self.stdout.write(
                f"{result['mission']}: {result['open']} open cases ({result['opened']} newly opened), "
                f"sent to {result['recipients']} addresses"
            )
        if not results:
            self.stdout.write("No open cases.")
