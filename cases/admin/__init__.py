"""Admin registrations: the working surface students and teachers use."""

from cases.admin import (  # noqa: F401
    authorization,
    classroom,
    corpse,
    crosser,
    detention,
    embassy,
    exercise,
    inbox,
    marriage,
    naturalisation,
    reception,
    stray,
)
