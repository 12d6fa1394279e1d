"""Load the standard checklist set into a mission: `manage.py load_checklists --mission SLUG`."""

from django.core.management.base import BaseCommand, CommandError

from checklists.services import checklists_load_standard
from missions.models import Mission


class Command(BaseCommand):
    help = "Create and publish v1 of each standard checklist a mission lacks (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, help="The mission's slug.")

    def handle(self, *args, **options):
        mission = Mission.objects.filter(slug=options["mission"]).first()
        if mission is None:
            raise CommandError(f"No mission with the slug {options['mission']!r}.")
        templates = checklists_load_standard(mission=mission)
        for template in templates:
            self.stdout.write(
                f"  {template.get_kind_display()}: v{template.version}, {template.questions.count()} questions"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(templates)} published checklists for {mission.slug}."))
