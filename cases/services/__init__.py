"""Services: the only code that changes a case. See ``steps`` for the shared step writer."""
