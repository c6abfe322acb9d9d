"""Admin registrations: the working surface students and teachers use."""

from cases.admin import (  # noqa: F401
    authorization,
    classroom,
    clock,
    corpse,
    crosser,
    detention,
    embassy,
    exercise,
    inbox,
    marriage,
    meeting,
    naturalisation,
    reception,
    stray,
)
