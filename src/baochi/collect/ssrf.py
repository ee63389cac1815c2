"""The SSRF guard: a feed must never make us fetch an internal address.

The decision is taken on the resolved IP addresses at connection time (so DNS answers that point
inside, and redirects to such names, are refused too), and the connection goes to the very
address that was checked, so a second DNS answer cannot slip past it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from baochi.phrase import Phrase

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints are refused even if an allowlist covers them.
_METADATA = (
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("192.0.0.192"),  # Oracle Cloud's older one, "global" to ipaddress
)
# An IPv4 address written as one number or in hex or octal parts, which inet_aton reads.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}")


# Each kind of refused address as the pages name it; logs and the CLI keep the English kind.
KINDS = {
    "metadata": "địa chỉ dịch vụ metadata của máy chủ đám mây",
    "loopback": "địa chỉ nội bộ (loopback)",
    "link-local": "địa chỉ nội bộ (link-local)",
    "private": "địa chỉ mạng riêng",
    "multicast": "địa chỉ multicast",
    "reserved": "địa chỉ dành riêng",
    "unspecified": "địa chỉ không xác định",
    "not globally routable": "địa chỉ không ra được Internet",
}


class BlockedAddress(httpx.TransportError):
    """The host resolves to an address the guard refuses."""


@dataclass(frozen=True)
class Refusal:
    """Why an IP may not be fetched: its kind (a key of KINDS) and the IP itself."""

    kind: str
    ip: Address

    def __str__(self) -> str:
        return f"{self.kind} address {self.ip}"

    def phrase(self) -> Phrase:
        """The reason as a page says it, e.g. "địa chỉ nội bộ (loopback) 127.0.0.1"."""
        return Phrase("{kind} {ip}", kind=Phrase(KINDS[self.kind]), ip=self.ip)


def refusal(address: str, allowed: Sequence[Network] = ()) -> Refusal | None:
    """Why this IP may not be fetched (private, loopback, …), or None when it is public."""
    ip: Address = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 inside: mapped, or 6to4's gateway
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    if ip in _METADATA:
        return Refusal("metadata", ip)
    if any(ip in net for net in allowed):
        return None
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("unspecified", ip.is_unspecified),
        ("not globally routable", not ip.is_global),
    ):
        if flag:
            return Refusal(kind, ip)
    return None


def inside(url: str, allowed: Sequence[Network] = ()) -> Refusal | None:
    """Why a URL names an address the guard would refuse, when it names one outright (an IP, or
    localhost); a host name is judged at connection time, on what it resolves to."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        host = "127.0.0.1"
    if _LEGACY_IPV4.fullmatch(host):  # 2130706433, 0x7f.1, 0177.0.0.1 are 127.0.0.1
        with contextlib.suppress(OSError):
            host = socket.inet_ntoa(socket.inet_aton(host))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return refusal(host, allowed)


async def resolve(host: str, port: int) -> list[str]:
    """All addresses the host name resolves to (an IP literal resolves to itself)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that resolves, checks every address, and connects to a checked one."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, allowed: Sequence[Network]) -> None:
        self._inner = inner
        self._allowed = tuple(allowed)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await asyncio.wait_for(resolve(host, port), timeout)
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        for address in addresses:
            reason = refusal(address, self._allowed)
            if reason is not None:
                raise BlockedAddress(f"{host} resolves to a {reason}")
        return await self._inner.connect_tcp(
            addresses[0], port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(allowed: Sequence[Network], **kwargs: Any) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection passes the guard (redirects included)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False, **kwargs)
    pool = transport._pool  # httpx 0.28 has no public hook for the network backend
    pool._network_backend = GuardedBackend(pool._network_backend, allowed)
    return transport
