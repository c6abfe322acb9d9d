#!/usr/bin/env python
"""Django's command-line utility for Border Desk."""

import os
import sys


def main() -> None:
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from config.setting_errors import BadSetting

    try:
        execute_from_command_line(sys.argv)
    except BadSetting as exc:  # an environment variable that cannot be used: say which, in one line
        sys.exit(f"Border Desk cannot start: {exc}")


if __name__ == "__main__":
    main()
