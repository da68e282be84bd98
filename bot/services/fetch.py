"""Fetching an article from a link, safely.

A link is user input that makes the bot open a connection, so every hop of a redirect chain is
checked: only http/https, only public addresses (no loopback, private, link-local, multicast or
reserved ranges, so a member cannot make the bot probe the team's internal network), a bounded
number of redirects, a time limit for the whole fetch and a size cap on the body.

The address that passed the check is the one connected to: the request goes to that IP, with the
original name in the Host header and as the TLS server name (certificates are still verified
against it). Resolving again at connect time would let a hostile DNS server answer "public" for
the check and "127.0.0.1" for the connection (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from bot.services.extract import ExtractError, Page, decode_bytes, html_to_page

MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    timeout: float = 15.0
    max_bytes: int = 5_000_000
    allow_private: bool = False
    #: ``host:port`` pairs let through although private (tests: a local server as the first hop,
    #: to prove that a redirect from it to a private address is still refused).
    trusted: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Target:
    """Where one hop really connects: the checked IP (None: connect by name, checks waived)."""

    url: str
    ip: str | None
    hostname: str
    port: int

    def request_url(self) -> str:
        if self.ip is None:
            return self.url
        parts = urlsplit(self.url)
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        netloc = f"{host}:{parts.port}" if parts.port else host
        return parts._replace(netloc=netloc).geturl()

    def headers(self) -> dict[str, str]:
        if self.ip is None:
            return {}
        parts = urlsplit(self.url)
        return {"Host": parts.netloc.rsplit("@", 1)[-1]}

    def extensions(self) -> dict[str, str]:
        return {"sni_hostname": self.hostname} if self.ip is not None else {}


async def _check_host(url: str, policy: FetchPolicy) -> _Target:
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range or not a number
        raise ExtractError("bad_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ExtractError("bad_url")
    if policy.allow_private or f"{parts.hostname}:{port}" in policy.trusted:
        return _Target(url, None, parts.hostname, port)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ExtractError("no_such_host") from None
    except (OSError, UnicodeError):
        raise ExtractError("unreachable") from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise ExtractError("private_address")
        addresses.append(address)
    if not addresses:
        raise ExtractError("unreachable")
    return _Target(url, str(addresses[0]), parts.hostname, port)


async def _fetch(url: str, policy: FetchPolicy) -> tuple[str, bytes, str]:
    async with httpx.AsyncClient(follow_redirects=False, timeout=policy.timeout,
                                 headers={"User-Agent": "DossierBot/0.1 (+article reader)"}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = await _check_host(url, policy)
            async with client.stream("GET", target.request_url(), headers=target.headers(),
                                     extensions=target.extensions()) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise ExtractError("unreachable")
                    url = urljoin(url, location)
                    continue
                if response.status_code >= 400:
                    raise ExtractError("http_error")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > policy.max_bytes:
                        raise ExtractError("too_big")
                return url, bytes(body), response.headers.get("content-type", "")
    raise ExtractError("too_many_redirects")


def _refused(exc: BaseException) -> bool:
    """Whether a connection failed because nothing listens there (ECONNREFUSED)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def fetch_article(url: str, policy: FetchPolicy) -> tuple[str, str]:
    """Return (final url, article text); ExtractError with a reason key otherwise."""
    final_url, page = await fetch_page(url, policy)
    return final_url, page.text


async def fetch_page(url: str, policy: FetchPolicy) -> tuple[str, Page]:
    """(final url, the page as an article: text, title, own date); ExtractError otherwise."""
    try:
        final_url, body, content_type = await asyncio.wait_for(_fetch(url, policy), policy.timeout * 2)
    except TimeoutError:
        raise ExtractError("timeout") from None
    except httpx.TimeoutException:
        raise ExtractError("timeout") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError):
        raise ExtractError("bad_url") from None
    except httpx.ConnectError as exc:
        raise ExtractError("refused" if _refused(exc) else "unreachable") from None
    except httpx.HTTPError:
        raise ExtractError("unreachable") from None
    if content_type and not any(t in content_type for t in ("html", "text", "xml")):
        raise ExtractError("not_text")
    text = decode_bytes(body)
    if "html" in content_type or text.lstrip().startswith("<"):
        return final_url, await asyncio.to_thread(html_to_page, text)
    return final_url, Page(text)
