"""The room's clock: the time zone real (wall-clock) moments are shown in.

Simulated dates are shown in Beijing time (``TIME_ZONE``, the hours the sources give). When a student or
the teacher acted is a moment of the lesson, read on the clock of the room: the time zone of the laptop
serving it, or ``BORDER_DESK_WALL_TIME_ZONE`` (an IANA name such as ``Europe/London``) where that is not
the room's (a server elsewhere). The laptop's zone is read with tzlocal, which knows Windows' zone names
as well as the /etc/localtime of Linux and macOS.
"""

from __future__ import annotations

import zoneinfo

from config.setting_errors import BadSetting


def _known(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _laptop_zone() -> str:
    """Return the machine's time zone name, or UTC when it cannot be read or names no known zone."""
    import tzlocal

    try:
        name = tzlocal.get_localzone_name()
    except (LookupError, OSError, ValueError):  # tzlocal's errors for a zone it cannot make out
        name = None
    return name if name and _known(name) else "UTC"


def wall_time_zone(configured: str) -> str:
    """Return the zone real moments are shown in: ``configured`` (checked) if given, else the laptop's."""
    name = configured.strip()
    if not name:
        return _laptop_zone()
    if not _known(name):
        raise BadSetting(
            f"BORDER_DESK_WALL_TIME_ZONE={configured!r} names no time zone. Give one such as Europe/London, "
            "America/New_York or Asia/Seoul, or leave it unset to use this computer's own."
        )
    return name
