"""Admin registrations: the working surface students and teachers use."""

from cases.admin import clock, exercise, inbox, marriage, meeting  # noqa: F401
