"""Compile a mission's statistics through the compilation task and print the run and its output files."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from missions.models import Mission, Region
from reports.choices import RunStatus
from reports.models import ReportRun
from reports.services import compile_time_limits, report_run_create, report_run_dispatch
from reports.tasks import report_compile

# How long a worker may take to pick a run up before this command compiles it itself.
CLAIM_WAIT_SECONDS = 15


class Command(BaseCommand):
    help = "Compile statistics for a mission (on a worker when the broker is up, otherwise in this process)."

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, help="Mission slug.")
        parser.add_argument("--kinds", default="", help="Comma-separated form kinds, e.g. voting,counting.")
        parser.add_argument("--region", default="", help="Region code to restrict to.")
        parser.add_argument("--cutoff", default="", help="Only forms received up to this ISO 8601 time.")
        parser.add_argument("--in-process", action="store_true", help="Run the task here even if a broker is up.")

    def handle(self, *args, **options):
        mission = Mission.objects.filter(slug=options["mission"]).first()
        if mission is None:
            raise CommandError(f"No mission with slug {options['mission']!r}.")
        region = None
        if options["region"]:
            region = Region.objects.filter(mission=mission, code=options["region"]).first()
            if region is None:
                raise CommandError(f"Mission {mission.slug} has no region with code {options['region']!r}.")
        cutoff = None
        if options["cutoff"]:
            cutoff = parse_datetime(options["cutoff"])
            if cutoff is None:
                raise CommandError(f"Cannot read {options['cutoff']!r} as a date and time (use ISO 8601).")
        kinds = [kind.strip() for kind in options["kinds"].split(",") if kind.strip()] or None
        try:
            run = report_run_create(mission=mission, kinds=kinds, region=region, cutoff=cutoff)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if options["in_process"] or report_compile.app.conf.task_always_eager or not report_run_dispatch(run=run):
            report_compile.apply(args=[run.pk])
        elif not self._taken_by_a_worker(run):
            # No worker is running (e.g. the embedded broker without `make run`): compile here. Should a worker take
            # the message later, it finds the run done, or running in this live process, and leaves it alone.
            self.stderr.write(f"No worker took run {run.pk} within {CLAIM_WAIT_SECONDS} s: compiling it here.")
            report_compile.apply(args=[run.pk])
        else:
            _soft, hard = compile_time_limits()
            deadline = time.monotonic() + hard + 60
            while time.monotonic() < deadline:
                run.refresh_from_db()
                if run.is_finished:
                    break
                time.sleep(1)
        run = ReportRun.objects.get(pk=run.pk)
        self.stdout.write(f"run {run.pk} {run.status}")
        if run.status != RunStatus.DONE:
            raise CommandError(run.error_text or f"Run {run.pk} is still {run.status}.")
        for field in (run.xlsx_file, run.csv_file, run.pdf_file):
            self.stdout.write(field.path)

    def _taken_by_a_worker(self, run: ReportRun) -> bool:
        """Whether a worker starts the run (it leaves the queued state) within CLAIM_WAIT_SECONDS."""
        deadline = time.monotonic() + CLAIM_WAIT_SECONDS
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status != RunStatus.QUEUED:
                return True
            time.sleep(0.5)
        return False
