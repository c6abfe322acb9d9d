"""What the browser walks share: logging a user in, in a context of its own."""

from __future__ import annotations

from typing import Any

TIMEOUT = 30_000


def logged_in(chromium: Any, base: str, username: str, password: str) -> tuple[Any, Any]:
    """Open a fresh browser context, log ``username`` in through the admin login page; return (context, page)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return context, page
