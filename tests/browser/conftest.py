"""Real Chromium for the browser tests: skipped without /usr/bin/chromium unless CI=true (then it fails).

Also the served room the class walks use: a live server on every interface, reached by the teacher
through the loopback and by students through the machine's first room address
(``cases.serving.network.room_addresses``), or 127.0.0.2 where the machine has none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test.utils import override_settings

from cases.serving.network import room_addresses

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def allow_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the test's own ORM calls run while Playwright's sync API holds an event loop in this thread.

    Set per test (and undone after it) so that it never leaks into other tests, such as the
    deployment check, which rightly refuses the variable.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium(allow_orm_beside_playwright: None) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs the Debian package 'chromium'.")
        pytest.skip(f"{CHROMIUM} not installed (set CI=true to make this a failure)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shot():
    """Save a full-page screenshot under tests/browser/artifacts/."""

    def take(page: object, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]

    return take


class RoomServer:
    """A live server on every interface: the teacher's loopback and the room's address."""

    def __init__(self, port: int, room: str) -> None:
        self.port, self.room = port, room

    @property
    def laptop(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def room_url(self) -> str:
        return f"http://{self.room}:{self.port}"


@pytest.fixture
def room_server(transactional_db: None, allow_orm_beside_playwright: None) -> Iterator[RoomServer]:
    from pytest_django.live_server_helper import LiveServer

    room = next((r.address for r in room_addresses()), "127.0.0.2")
    with override_settings(ALLOWED_HOSTS=[room, "127.0.0.1", "localhost"]):
        server = LiveServer("0.0.0.0")
        try:
            yield RoomServer(server.thread.port, room)
        finally:
            server.stop()
