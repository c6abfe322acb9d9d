"""The one exception that business rules raise."""


class ApplicationError(Exception):
    """A rule refused the action; ``message`` is written for a student to read."""

    def __init__(self, message: str, *, rules: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.rules = rules

    def __str__(self) -> str:
        return self.message
