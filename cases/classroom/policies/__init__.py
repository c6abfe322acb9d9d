"""The autopilot's decision policies, one module per procedure; importing this package registers them all."""

from cases.classroom.policies import authorization, corpse, crosser, marriage, meeting, permit, reception

__all__ = ["authorization", "corpse", "crosser", "marriage", "meeting", "permit", "reception"]
