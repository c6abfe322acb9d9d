"""Admin registrations: the working surface students and teachers use."""

from cases.admin import authorization, clock, exercise, inbox, marriage, meeting  # noqa: F401
