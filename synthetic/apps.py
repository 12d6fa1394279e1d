from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """Synthetic missions (the demo, benchmark and test data): above every domain app, which it only calls."""

    name = "synthetic"
    verbose_name = "Synthetic missions"
