"""The address side of the guarded HTTP client (`kit.http`): which addresses a server may
connect to on behalf of users, and a transport that connects only to the addresses it checked.

* Refused: private, loopback, link-local, multicast, reserved, unspecified, carrier-grade NAT,
  cloud metadata endpoints, and IPv6 forms embedding any of those (IPv4-mapped, NAT64, 6to4).
* DNS pinning: the network backend resolves and checks the host at connect time and connects
  to the address it checked, so a rebinding DNS server cannot answer "public" to a check and
  "127.0.0.1" to the connection. TLS keeps the real host name for SNI and certificates.
* Named exceptions (`AllowedHosts`): a `host` or `host:port` the operator lists may resolve to
  private and loopback addresses (a service on the LAN, a local fake in tests). It still goes
  through the same pinned transport, and cloud metadata addresses stay refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from tonearm.kit.errors import TonearmError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]


class UpstreamError(TonearmError):
    status, code, title = 502, "upstream_error", "Upstream service failed"


class UrlNotAllowed(TonearmError):
    status, code, title = 422, "url_not_allowed", "URL not allowed"


# --- address policy ----------------------------------------------------------------------------

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean ...
        "169.254.170.2",  # AWS ECS task credentials
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS IMDS over IPv6
    )
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_BLOCKED_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "192.0.0.0/24",  # IETF protocol assignments (incl. Oracle's metadata address)
        "192.88.99.0/24",  # 6to4 relay anycast
        "198.18.0.0/15",  # benchmarking
        "::/96",  # IPv4-compatible (deprecated)
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, incl. Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "64:ff9b:1::/48",  # local-use NAT64
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def blocked_reason(ip: IPAddress) -> str | None:
    """Why `ip` must not be contacted for a user-supplied URL, or None when it is public."""
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"{inner} (embedded in IPv6)" if inner else None
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "carrier-grade NAT"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (any(ip in net for net in _BLOCKED_NETWORKS if net.version == ip.version), "special"),
        (not ip.is_global, "non-public"),
    )
    return next((reason for hit, reason in checks if hit), None)


def metadata_reason(ip: IPAddress) -> str | None:
    """The policy for allowed hosts: anything but a cloud metadata endpoint."""
    if ip in METADATA_ADDRESSES or (
        isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped in METADATA_ADDRESSES
    ):
        return "cloud metadata"
    return None


@dataclass(frozen=True, slots=True)
class AllowedHosts:
    """Hosts the guard lets through although they resolve to non-public addresses.

    An entry is `host` (any port) or `host:port` (that port only); IPv6 literals in brackets
    (`[fd00::5]:8080`). It is matched against the host as written in the URL, case-insensitive
    and IDNA-encoded, never against what it resolves to: `nas.lan` allows `http://nas.lan/`,
    not `http://192.168.1.20/`."""

    entries: frozenset[tuple[str, int | None]] = frozenset()

    @classmethod
    def parse(cls, values: Iterable[str] | str | AllowedHosts) -> AllowedHosts:
        if isinstance(values, AllowedHosts):
            return values
        if isinstance(values, str):
            values = values.split(",")
        return cls(frozenset(_parse_entry(v) for v in values if v.strip()))

    def allows(self, host: str, port: int) -> bool:
        host = _normal_host(host)
        return (host, None) in self.entries or (host, port) in self.entries

    def __bool__(self) -> bool:
        return bool(self.entries)


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _parse_entry(entry: str) -> tuple[str, int | None]:
    text = entry.strip()
    if text.count(":") > 1 and not text.startswith("["):
        text = f"[{text}]"  # a bare IPv6 address
    try:
        # A scheme without a default port, so an explicit `:80` or `:443` is kept.
        url = httpx.URL(f"tcp://{text}")
    except httpx.InvalidURL as exc:
        raise ValueError(f"Not a host or host:port: {entry!r}") from exc
    if not url.raw_host or url.userinfo or url.path not in ("", "/") or url.query or url.fragment:
        raise ValueError(f"Not a host or host:port: {entry!r}")
    return _normal_host(url.raw_host.decode("ascii")), url.port


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in out:
            out.append(ip)
    return out


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def resolve_public(
    host: str, port: int, resolver: Resolver, check: Callable[[IPAddress], str | None]
) -> list[IPAddress]:
    """Every address of `host`, or UrlNotAllowed when any of them is not public."""
    literal = _literal_ip(host)
    if literal is not None:
        addresses: Sequence[IPAddress] = [literal]
    else:
        try:
            addresses = await resolver(host, port)
        except OSError as exc:
            raise UpstreamError(f"Could not resolve {host}") from exc
        if not addresses:
            raise UpstreamError(f"Could not resolve {host}")
    for ip in addresses:
        if reason := check(ip):
            raise UrlNotAllowed(f"{host} resolves to a {reason} address")
    return list(addresses)


def check_url(url: httpx.URL) -> None:
    if url.scheme not in ("http", "https"):
        raise UrlNotAllowed(f"Only http and https URLs are allowed, not {url.scheme or 'none'!r}")
    if not url.host:
        raise UrlNotAllowed("The URL has no host")


# --- pinned transport --------------------------------------------------------------------------


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks at connect time, then connects to the checked address itself."""

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        check: Callable[[IPAddress], str | None] = blocked_reason,
        allowed: AllowedHosts = AllowedHosts(),
    ) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._resolver = resolver
        self._check = check
        self._allowed = allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        check = metadata_reason if self._allowed.allows(host, port) else self._check
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolve_public(host, port, self._resolver, check)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"Resolving {host} timed out") from exc
        last: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UrlNotAllowed("Unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose network backend is guarded."""

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        *,
        check: Callable[[IPAddress], str | None] = blocked_reason,
        allowed: AllowedHosts = AllowedHosts(),
        limits: httpx.Limits = httpx.Limits(max_connections=100, max_keepalive_connections=20),
    ) -> None:
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(resolver, check, allowed),
        )
