"""Services: the only code that changes a case. See ``engine`` for the shared machinery."""
