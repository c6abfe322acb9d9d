"""List the scenario packs shipped with Border Desk and whether each can be loaded here."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.classroom.packs import PackError, pack_files, parse_pack


class Command(BaseCommand):
    help = "List the scenario packs (slug, title, size) and whether this installation can load each."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = []
        for path in pack_files():
            try:
                pack = parse_pack(path)
            except PackError as exc:
                broken.append(str(exc))
                self.stdout.write(self.style.ERROR(f"{path.name}: invalid"))
                continue
            missing = pack.missing()
            status = "ready" if not missing else "needs: " + "; ".join(missing)
            self.stdout.write(f"{pack.slug:<34} {pack.title}  [{pack.size()} items, starts {pack.data['start']}]")
            self.stdout.write(f"{'':<34} {status}")
        if broken:
            raise CommandError("Some packs do not validate:\n" + "\n".join(broken))
