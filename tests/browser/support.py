"""What the browser walks share: logging a user in, in a context of its own."""

from __future__ import annotations

from typing import Any

TIMEOUT = 30_000


# A phone in portrait, as a student holds it (Playwright's context options).
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def logged_in(chromium: Any, base: str, username: str, password: str, **device: Any) -> tuple[Any, Any]:
    """Open a fresh browser context, log ``username`` in through the admin login page; return (context, page).

    ``device`` holds Playwright's context options (``PHONE``); a 1400 x 1000 laptop window without.
    """
    context = chromium.new_context(**(device or {"viewport": {"width": 1400, "height": 1000}}))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return context, page
