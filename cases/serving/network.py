"""The machine's addresses and the join URL of classroom mode (with its QR code).

Addresses come from the network interfaces (psutil reads them from the operating system; no packet is
sent anywhere). A teacher with several networks (Wi-Fi and a cable, a VPN) names the one the students
share with ``--room ADDRESS``.
"""

from __future__ import annotations

import io
import ipaddress
import socket
from dataclasses import dataclass

import psutil
import segno


@dataclass(frozen=True)
class RoomAddress:
    address: str
    interface: str


def _usable(addr: ipaddress.IPv4Address) -> bool:
    return not (addr.is_loopback or addr.is_link_local or addr.is_multicast or addr.is_unspecified)


def room_addresses() -> list[RoomAddress]:
    """Every IPv4 address of an interface that is up and could reach students, private ones first."""
    stats = psutil.net_if_stats()
    found: list[RoomAddress] = []
    for name, addrs in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for a in addrs:
            if a.family != socket.AF_INET:
                continue
            try:
                ip = ipaddress.IPv4Address(a.address)
            except ValueError:
                continue
            if _usable(ip):
                found.append(RoomAddress(a.address, name))
    # A school network is a private range; a public address first would usually be a VPN or a tunnel.
    found.sort(key=lambda r: (not ipaddress.IPv4Address(r.address).is_private, r.interface, r.address))
    return found


def choose_room_address(requested: str | None) -> str:
    """The address classroom mode binds: ``requested`` if given (checked), else the first found.

    Raises ValueError with a message a teacher can act on.
    """
    if requested:
        try:
            ip = ipaddress.ip_address(requested)
        except ValueError as exc:
            raise ValueError(f"{requested!r} is not an IP address (for example 192.168.1.20).") from exc
        if ip.is_unspecified:
            raise ValueError("Give the address students will type, not 0.0.0.0.")
        return str(ip)
    found = room_addresses()
    if not found:
        raise ValueError(
            "This computer has no network address students could reach (is Wi-Fi on?). Connect it to the "
            "room's network, or give the address with --room ADDRESS."
        )
    return found[0].address


def join_url(address: str, port: int) -> str:
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}/admin/"


def hosts_for(address: str) -> tuple[list[str], list[str]]:
    """ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS for a room served at ``address`` (plus this machine)."""
    host = f"[{address}]" if ":" in address else address
    allowed = [host, "localhost", "127.0.0.1", "[::1]"]
    origins = [f"http://{h}" for h in dict.fromkeys(allowed)]
    return list(dict.fromkeys(allowed)), origins


def qr_svg(url: str, *, scale: int = 8) -> str:
    """The QR code of ``url`` as an SVG document (segno; error correction M, a quiet zone of 4)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True,
                                     title="Join Border Desk", dark="#1d2a35", light="#ffffff")
    return buffer.getvalue().decode()


def qr_terminal(url: str) -> str:
    """The QR code of ``url`` drawn with block characters for a terminal (two rows per line)."""
    qr = segno.make(url, error="m")
    rows = [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    chars = {(False, False): "\u2588", (True, False): "\u2584", (False, True): "\u2580", (True, True): " "}
    # Light modules are drawn as full blocks so the code reads on a dark terminal as on a light one.
    lines = ["".join(chars[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
             for i in range(0, len(rows), 2)]
    return "\n".join(lines)
