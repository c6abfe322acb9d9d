"""Analytics over an exercise's event log: metrics, dashboard data, export, debrief, regime runs.

Everything here reads ``CaseEvent`` and ``Case`` rows (never a procedure's own tables), so it works
for every procedure; the one exception is the calibration of the authorization-letter model, which
is isolated in :mod:`cases.analytics.calibration_aut`.
"""
