from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from missions.models import Mission
from synthetic.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS
from synthetic.second import SECOND_SLUG, SECOND_USERS


class Command(BaseCommand):
    help = "Print the demo users' logins (only where the demo mission has been loaded)."

    def handle(self, *args, **options):
        if not Mission.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("No demo mission here: run `python manage.py seed_demo` first.")
            return
        users = set(
            get_user_model().objects.filter(username__in=[u for u, *_ in DEMO_USERS]).values_list("username", flat=True)
        )
        self.stdout.write("\nDemo logins (demo database only) — password for all: " + DEMO_PASSWORD)
        for username, _group, _who, description in DEMO_USERS:
            if username in users:
                self.stdout.write(f"  {username:<12} {description}")
        if Mission.objects.filter(slug=SECOND_SLUG).exists():
            second = set(
                get_user_model()
                .objects.filter(username__in=[u for u, *_ in SECOND_USERS])
                .values_list("username", flat=True)
            )
            self.stdout.write(f"Second demo mission ({SECOND_SLUG}), same password — roles are held per mission:")
            for username, _role, description in SECOND_USERS:
                if username in second:
                    self.stdout.write(f"  {username:<12} {description}")
        self.stdout.write("Observers' site at /, coordinators' admin at /admin/, statistics at /reports/.\n")
