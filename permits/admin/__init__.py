"""Admin registrations of the permits app: geography, permit cases (on the shared CaseAdmin), crossings."""

from permits.admin import crossing, geography, permit  # noqa: F401
