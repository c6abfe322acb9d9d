"""The compose stack's processes, outside Docker: the commands and environment of docker-compose.yml
(production settings, waitress, whitenoise, a worker and beat) run against a real PostgreSQL and Redis,
and Chromium logs in through 127.0.0.2 (standing in for the server's network address) and walks a case."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.integration.stack import PYTHON, ROOT, Process, free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.browser]

HOST = "127.0.0.2"
CHROMIUM = "/usr/bin/chromium"


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict, data: Path, port: int) -> list[str]:
    """The service's command, with the container's paths and address mapped onto this machine."""
    out = []
    for part in service["command"]:
        part = part.replace("/data", str(data)).replace("0.0.0.0", HOST).replace("8000", str(port))
        out.append(part)
    if out[0] in ("python", "celery"):
        out = [PYTHON, *out[1:]] if out[0] == "python" else [PYTHON, "-m", "celery", *out[1:]]
    return out


def _env(compose: dict, stack, data: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    for key, value in compose["x-app"]["environment"].items():
        env[key] = str(value)
    env.update(
        DJANGO_ALLOWED_HOSTS=HOST, DJANGO_CSRF_TRUSTED_ORIGINS=f"http://{HOST}:{port}", DJANGO_HTTPS="false",
        DATABASE_URL=stack.postgres.url, CELERY_BROKER_URL=stack.redis.url, BORDER_DESK_DATA_DIR=str(data),
        PYTHONUNBUFFERED="1",
    )
    return env


def test_compose_processes_serve_a_class_through_a_network_address(live, tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI")
        pytest.skip(f"{CHROMIUM} not installed")
    compose = _compose()
    services = compose["services"]
    assert services["web"]["command"][:3] == ["python", "-m", "cases.serving.web"]
    data = tmp_path / "data"
    data.mkdir()
    port = free_port()
    env = _env(compose, live, data, port)
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production" and "DJANGO_SECRET_KEY" not in env

    # compose's migrate service (migrations and collectstatic), then the demo's data to walk.
    migrate = services["migrate"]["command"]
    assert migrate[:2] == ["sh", "-c"]
    script = migrate[2].replace("python ", f"{PYTHON} ")
    subprocess.run(["sh", "-c", script], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True)
    subprocess.run([PYTHON, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, timeout=300,
                   capture_output=True)

    procs = [Process(name, _command(services[name], data, port), env=env, logdir=live.logdir)
             for name in ("web", "worker", "beat")]
    live.processes.extend(procs)
    base = f"http://{HOST}:{port}"

    def healthy() -> dict:
        with urllib.request.urlopen(base + "/health/", timeout=5) as r:
            return json.loads(r.read())

    health = wait_for(healthy, timeout=90, what="the web's /health/")
    assert health == {"status": "ok", "database": "ok", "broker": "ok"}
    with urllib.request.urlopen(base + "/admin/login/", timeout=10) as r:
        assert r.headers["Server"] == "Border Desk"  # waitress, as compose runs it
    assert (data / "secret_key").exists()  # the installation's own key, in the data volume

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(base + "/admin/")
        # Static files come from whitenoise's collected, hashed copies.
        css = page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")
        assert any("/static/admin/css/base." in href and href.count(".") >= 3 for href in css), css
        page.fill("#id_username", "workunit")
        page.fill("#id_password", "borderdesk")
        page.click("input[type=submit]")
        page.wait_for_load_state()
        page.goto(base + "/admin/cases/marriagecase/?q=Zhang+Wenhai")
        page.click("text=Zhang Wenhai")
        page.wait_for_load_state()
        assert "MAR-2" in page.content()
        page.click("form[action$='/step/begin_dissuasion/'] [type=submit]")
        page.wait_for_load_state()
        assert "Done:" in page.content()
        # No debug page reaches a student: an unknown address is Border Desk's 404.
        response = page.goto(base + "/no/such/page/")
        assert response is not None and response.status == 404
        assert "NOT FOUND" in page.content() and "Traceback" not in page.content()
        browser.close()
    assert all(proc.alive() for proc in procs), [proc.log()[-2000:] for proc in procs]
