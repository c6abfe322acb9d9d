"""Print the rules in force on a simulated date, or the whole date table (the source of docs/rules-in-force.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.rules.in_force import date_table_markdown, rule_dates, rules_in_force


class Command(BaseCommand):
    help = "List the rules in force on a date (--on 1963-08-08) or print the date table as Markdown (--markdown)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="A simulated date, YYYY-MM-DD.")
        parser.add_argument("--markdown", action="store_true", help="Print docs/rules-in-force.md.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["markdown"]:
            self.stdout.write(date_table_markdown(), ending="")
            return
        if not options["on"]:
            raise CommandError("Give --on YYYY-MM-DD or --markdown.")
        try:
            on = dt.date.fromisoformat(options["on"])
        except ValueError as exc:
            raise CommandError(f"--on must be a date YYYY-MM-DD, not {options['on']!r}.") from exc
        for rule_id in rules_in_force(on):
            row = rule_dates(rule_id)
            note = row.note(on)
            self.stdout.write(f"{rule_id}: {row.doc.citation}{f' — {note}' if note else ''}")
