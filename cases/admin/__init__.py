"""Admin registrations: the working surface students and teachers use."""

from cases.admin import exercise, inbox, marriage  # noqa: F401
