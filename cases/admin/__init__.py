"""Admin registrations: the working surface students and teachers use."""

from cases.admin import classroom, exercise, inbox, marriage  # noqa: F401
