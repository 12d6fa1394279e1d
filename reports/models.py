"""Statistics runs and the export log."""

from django.conf import settings
from django.db import models


class ExportLog(models.Model):
    """Every export leaves a line: who downloaded what, when (DOMAIN.md: findings are embargoed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    mission = models.ForeignKey("missions.Mission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=120, help_text="What was exported, e.g. 'deployment plan' or 'report run 12'.")
    format = models.CharField(max_length=8)
    rows = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.what} ({self.format}) by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
