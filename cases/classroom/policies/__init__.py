"""The autopilot's decision policies of the cases app's procedures, one module per procedure.

Each procedure names its policy in its registration (``cases/apps.py``; the permit procedure's is
``permits.autopilot``), so nothing here lists them.
"""
