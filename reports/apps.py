from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Statistics and exports")

    def ready(self):
        # Official results are exported by their own app; every export is logged here, with the findings' exports.
        from results.signals import results_exported

        from .services import export_log_record

        def log_results_export(sender, *, user, mission, what, format, rows=None, **kwargs):
            export_log_record(user=user, mission=mission, what=what, format=format, rows=rows)

        results_exported.connect(log_results_export, dispatch_uid="reports.results_exported", weak=False)
