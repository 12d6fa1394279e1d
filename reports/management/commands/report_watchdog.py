"""Re-send report runs the broker never received and rescue runs stuck in running (for cron)."""

from django.core.management.base import BaseCommand

from reports.services import report_runs_watchdog


class Command(BaseCommand):
    help = "Re-send queued report runs and re-queue or fail runs stuck in running beyond the time limit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after", type=int, default=None, help="Seconds without a heartbeat (default: hard limit + 60)."
        )

    def handle(self, *args, **options):
        outcome = report_runs_watchdog(stale_after=options["stale_after"])
        self.stdout.write(
            f"re-queued {len(outcome['requeued'])}, failed {len(outcome['failed'])}, sent {len(outcome['resent'])}"
        )
