"""Production settings pass Django's deployment checks, and every answer carries the browser-side policies."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from config.security import policy_for_path

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3y-" + "Qx7vLm2pRt9wZa4sEd8fGh1jKl6nBc3y" * 2,
    "DJANGO_ALLOWED_HOSTS": "mission.example.org",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_production_settings_pass_the_deployment_checks_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_fail_when_https_is_switched_off():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "DJANGO_SECURE_SSL_REDIRECT": "false"}
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_refuses_plain_http_csrf_origins():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_CSRF_TRUSTED_ORIGINS": "http://mission.example.org"})
    assert result.returncode != 0
    assert "https:// origins only" in result.stderr


def test_production_enforces_the_content_security_policy():
    code = (
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY_ENFORCE, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.X_FRAME_OPTIONS, settings.CSRF_TRUSTED_ORIGINS)"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "DENY",
        "['https://mission.example.org']",
    ]


def test_the_policy_allows_scripts_from_the_site_only_and_no_framing():
    policy = policy_for_path("/")
    assert "script-src 'self';" in policy
    assert "'unsafe-inline'" not in django_settings.CONTENT_SECURITY_POLICY["script-src"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


def test_only_the_api_documentation_pages_relax_the_script_policy():
    assert "script-src 'self' 'unsafe-inline'" in policy_for_path("/api/docs/")
    assert "script-src 'self';" in policy_for_path("/api/submissions/")
    assert "script-src 'self';" in policy_for_path("/admin/")


@pytest.mark.django_db
def test_every_answer_carries_the_security_headers(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Security-Policy-Report-Only"] == policy_for_path("/accounts/login/")
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_an_enforced_policy_replaces_the_report_only_header(client, settings):
    settings.CONTENT_SECURITY_POLICY_ENFORCE = True
    response = client.get(reverse("login"))
    assert response["Content-Security-Policy"] == policy_for_path("/accounts/login/")
    assert "Content-Security-Policy-Report-Only" not in response


def _templates_with_inline_scripts() -> list[str]:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text(encoding="utf-8")):
            if "src=" not in tag and "application/json" not in tag and "application/ld+json" not in tag:
                found.append(str(path.relative_to(ROOT)))
    return found


def test_no_template_runs_an_inline_script_the_policy_would_block():
    assert _templates_with_inline_scripts() == []
