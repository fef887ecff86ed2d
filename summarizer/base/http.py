"""The one HTTP client stack (httpx2) for everything the program fetches or posts itself.

The model calls go through the OpenAI SDK, which uses httpx2 too; everything else (article
URLs, feeds, the tokenizer and ``/props`` probes, ``summarizer backends``, the embedded
server's readiness check, webhooks) goes through :func:`client` here. httpx drops the
``Authorization`` header when a redirect leaves the origin, so a credential never follows a
redirect to another host.

Two guarantees live in the network layer under httpx (a :class:`httpcore2.NetworkBackend`),
so they hold for every request, redirect and retry of a client:

- **A total deadline** (``deadline_s``): every connect, TLS handshake, read and write waits
  at most for what is left of it, so a server that trickles its headers or body one byte at
  a time cannot stretch a fetch past the deadline.
- **One guard against private addresses** (``allow_private=False``): the host is resolved
  once, *every* address it resolves to must be public (an IPv6 address that embeds an IPv4
  one, NAT64, 6to4, Teredo, IPv4-mapped or IPv4-compatible, is judged by that IPv4
  address), and the connection goes to an address that was checked. A DNS server that
  answers differently the second time (DNS rebinding) is never asked a second time. Such a
  client ignores proxy environment variables, so the address checked is the one connected to.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore2
import httpx2

__all__ = [
    "USER_AGENT",
    "BlockedAddressError",
    "client",
    "get_json",
    "is_public_address",
    "post_json",
]

USER_AGENT = "summarizer/0.1 (+https://github.com/summarizer)"

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddressError(Exception):
    """A guarded client refused to connect: the host is not public, or does not resolve."""

    def __init__(self, message: str, *, host: str) -> None:
        super().__init__(message)
        self.host = host


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or address in _NAT64_LOCAL or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: _Address) -> bool:
    """Whether ``address`` (and any IPv4 address embedded in it) is global unicast."""
    candidates: list[_Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            candidates.append(inner)
    return all(a.is_global and not a.is_multicast for a in candidates)


def _checked_addresses(host: str, port: int) -> list[str]:
    """Resolve ``host`` once; every address must be public. The addresses to connect to."""
    try:
        addresses: list[_Address] = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise BlockedAddressError(f"cannot resolve host {host}", host=host) from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for address in addresses:
        if not is_public_address(address):
            raise BlockedAddressError(
                f"refusing to fetch {host}: {address} is a private, loopback or reserved address",
                host=host,
            )
    return list(dict.fromkeys(str(a) for a in addresses))


class _Deadline:
    """What is left of a total time budget; ``None`` means no overall deadline."""

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.monotonic() + seconds

    def clamp(self, timeout: float | None, expired: type[Exception]) -> float | None:
        if self.end is None:
            return timeout
        left = self.end - time.monotonic()
        if left <= 0:
            raise expired("the overall deadline has passed")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore2.NetworkStream):
    """A network stream whose every wait is cut to what is left of the deadline."""

    def __init__(self, inner: httpcore2.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        left = self._deadline.clamp(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, left), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    """Connects under the deadline; when guarded, only to addresses that were checked."""

    def __init__(self, deadline: _Deadline, *, allow_private: bool) -> None:
        self._inner = httpcore2.SyncBackend()
        self._deadline = deadline
        self._allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        targets = [host] if self._allow_private else _checked_addresses(host, port)
        error: Exception | None = None
        for target in targets:  # the checked addresses, in the resolver's order
            left = self._deadline.clamp(timeout, httpcore2.ConnectTimeout)
            try:
                stream = self._inner.connect_tcp(target, port, left, local_address, socket_options)
            except httpcore2.ConnectError as exc:
                error = exc
                continue
            return _Stream(stream, self._deadline)
        raise error or httpcore2.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:  # pragma: no cover - we never use unix sockets
        raise httpcore2.ConnectError("unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every client (building one takes ~0.1 s)."""
    return httpx2.create_ssl_context()


class _Transport(httpx2.HTTPTransport):
    """httpx's transport over :class:`_Backend` (deadline and address guard)."""

    def __init__(self, backend: _Backend) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx2.HTTPTransport takes no network backend; its pool (httpcore2, public API) does.
        self._pool = httpcore2.ConnectionPool(ssl_context=_ssl_context(), network_backend=backend)


def client(
    *,
    timeout_s: float,
    headers: dict[str, str] | None = None,
    follow_redirects: bool = False,
    transport: httpx2.BaseTransport | None = None,
    deadline_s: float | None = None,
    allow_private: bool = True,
) -> httpx2.Client:
    """A synchronous client with our user agent and one timeout for connect, read and write.

    ``deadline_s`` bounds everything the client does from now on (all requests, redirects
    and body reads together); ``allow_private=False`` refuses hosts that are not public (a
    :class:`BlockedAddressError` is raised from the request) and pins each connection to a
    checked address. ``transport`` (tests) replaces both.
    """
    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    else:
        ours = _Transport(_Backend(_Deadline(deadline_s), allow_private=allow_private))
        if allow_private:
            # Proxy environment variables still apply (their mounts are more specific).
            options["mounts"] = {"all://": ours}
        else:
            options.update(transport=ours, trust_env=False)
    return httpx2.Client(
        verify=_ssl_context(),
        timeout=httpx2.Timeout(timeout_s),
        headers={"user-agent": USER_AGENT, **(headers or {})},
        follow_redirects=follow_redirects,
        **options,
    )


def _auth(api_key: str | None) -> dict[str, str]:
    return {"authorization": f"Bearer {api_key}"} if api_key else {}


def get_json(
    url: str,
    *,
    api_key: str | None = None,
    timeout_s: float,
    transport: httpx2.BaseTransport | None = None,
) -> Any:
    """GET ``url`` and decode its JSON body; non-2xx raises :class:`httpx2.HTTPStatusError`.

    ``timeout_s`` is also the deadline of the whole request, redirects included.
    """
    with client(
        timeout_s=timeout_s,
        headers=_auth(api_key),
        follow_redirects=True,
        deadline_s=timeout_s,
        transport=transport,
    ) as http:
        response = http.get(url)
        response.raise_for_status()
        return json.loads(response.content)


def post_json(
    url: str,
    body: Any,
    *,
    api_key: str | None = None,
    timeout_s: float,
    transport: httpx2.BaseTransport | None = None,
) -> Any:
    """POST ``body`` as JSON to ``url`` and decode the reply; non-2xx raises.

    ``timeout_s`` is also the deadline of the whole request.
    """
    with client(
        timeout_s=timeout_s, headers=_auth(api_key), deadline_s=timeout_s, transport=transport
    ) as http:
        response = http.post(url, json=body)
        response.raise_for_status()
        return json.loads(response.content)
