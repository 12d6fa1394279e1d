from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklists.choices import FormKind, TemplateStatus
from checklists.models import FormTemplate
from checklists.xlsform import template_export_xlsform


class Command(BaseCommand):
    help = "Write a checklist of a mission as an XLSForm workbook (the published version unless --version is given)."

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, help="The mission's slug.")
        parser.add_argument("--kind", required=True, choices=FormKind.values)
        parser.add_argument(
            "--template-version",
            dest="template_version",
            type=int,
            help="A version number (default: the published one).",
        )
        parser.add_argument("output", help="The .xlsx file to write.")

    def handle(self, *args, mission, kind, template_version=None, output, **options):
        version = template_version
        templates = FormTemplate.objects.filter(mission__slug=mission, kind=kind)
        template = (
            templates.filter(version=version) if version else templates.filter(status=TemplateStatus.PUBLISHED)
        ).first()
        if template is None:
            raise CommandError(
                f"No {'version ' + str(version) if version else 'published version'} of {kind} in {mission}."
            )
        Path(output).write_bytes(template_export_xlsform(template=template))
        self.stdout.write(self.style.SUCCESS(f"{template} written to {output}."))
