"""The production settings pass Django's deployment checks with no warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_with_production_settings_is_clean():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x7" * 40 + "-a-long-random-looking-secret-for-the-check-only",
        "DJANGO_ALLOWED_HOSTS": "border-desk.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _production_setting(name: str, **env: str) -> str:
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
             "DJANGO_ALLOWED_HOSTS": "border-desk.example.org", **env},
    )
    return result.stdout.strip()


def test_cross_origin_opener_policy_only_where_a_browser_honours_it():
    """Sent under HTTPS; left out on plain http (the room, a school server without TLS), where
    browsers ignore it and warn on every page (the room's side: tests/browser/test_phone_layout_browser.py)."""
    assert _production_setting("SECURE_CROSS_ORIGIN_OPENER_POLICY") == "'same-origin'"
    assert _production_setting("SECURE_CROSS_ORIGIN_OPENER_POLICY", DJANGO_HTTPS="false") == "None"
