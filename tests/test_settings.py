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
