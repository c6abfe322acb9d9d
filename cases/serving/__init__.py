"""Serving a room: the production web server, the supervisor of web + worker + beat, the embedded
broker, classroom mode (network address, join URL, QR code), the health view and the error pages.

Nothing here is imported by the case engine; it sits beside admin/commands/tasks at the top layer.
"""
