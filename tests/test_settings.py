import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _import_production(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "mission.example.org"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "mission.example.org"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "k3y-" + "abcdefghij" * 6}, "DJANGO_ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_and_hosts(env, message):
    result = _import_production(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_real_secret_and_hosts():
    result = _import_production(
        {"DJANGO_SECRET_KEY": "k3y-" + "abcdefghij" * 6, "DJANGO_ALLOWED_HOSTS": "mission.example.org"}
    )
    assert result.returncode == 0, result.stderr


def test_every_setting_the_product_reads_is_declared_in_the_base_settings():
    """A setting read with a fallback (`getattr(settings, "X", default)`) would hide its default from the base file:
    every one the product's own code reads as `settings.X` must be declared there (or be one of Django's own)."""
    import re

    from django.conf import global_settings

    base = (ROOT / "config" / "settings" / "base.py").read_text()
    declared = set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)\s*=", base, flags=re.MULTILINE))
    declared |= {name for name in dir(global_settings) if name.isupper()}
    skipped = {".venv", "tests", "bench", "var", "staticfiles", "migrations"}
    fallbacks, undeclared = [], set()
    for path in ROOT.rglob("*.py"):
        if skipped & set(path.relative_to(ROOT).parts):
            continue
        text = path.read_text()
        if re.search(r"getattr\(\s*settings\s*,", text):
            fallbacks.append(str(path.relative_to(ROOT)))
        undeclared |= set(re.findall(r"\bsettings\.([A-Z][A-Z0-9_]*)", text)) - declared
    assert fallbacks == []
    assert undeclared == set()
