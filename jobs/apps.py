from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from celery.signals import worker_ready

        worker_ready.connect(_rescue_on_start, weak=False, dispatch_uid="jobs-rescue-on-start")


def _rescue_on_start(sender=None, **kwargs):
    """A worker that starts rescues at once what a stopped one left behind, instead of at beat's next round."""
    from .tasks import jobs_watchdog

    jobs_watchdog.apply_async(retry=False)
