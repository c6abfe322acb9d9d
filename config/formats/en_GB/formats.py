"""en-gb as the pages write it: "2 Mar 1959 09:00" (cases.wording.short_date), not Django's "2 Mar 1959, 9 a.m.".

Only what differs from Django's own en_GB formats; the rest (input formats, separators) is Django's.
"""

DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
