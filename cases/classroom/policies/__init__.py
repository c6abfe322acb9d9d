"""The autopilot's decision policies, one module per procedure; importing this package registers them all."""

from cases.classroom.policies import authorization, marriage

__all__ = ["authorization", "marriage"]
