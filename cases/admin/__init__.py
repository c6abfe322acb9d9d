"""Admin registrations: the working surface students and teachers use."""

from cases.admin import authorization, exercise, inbox, marriage  # noqa: F401
