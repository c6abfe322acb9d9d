"""A setting the person starting Border Desk gave (an environment variable) that cannot be used.

Raised while the settings are read; ``manage.py`` says it in one line and exits, instead of the page of
traceback any other ImproperlyConfigured prints (those are developers' mistakes, where it helps).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class BadSetting(ImproperlyConfigured):
    """An environment variable's value that cannot be used; the message says which, and what to give."""
