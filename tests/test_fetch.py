"""Link fetching connects to the address it checked (no DNS rebinding), with the name kept for TLS."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest

from bot.services import fetch
from bot.services.extract import ExtractError
from bot.services.fetch import FetchPolicy, fetch_article

PUBLIC = "93.184.216.34"
PAGE = ("<html><head><title>Переговоры в Женеве</title></head><body><article><h1>Переговоры в Женеве</h1>"
        + "<p>Министр иностранных дел заявил журналистам, что переговоры продолжатся на следующей неделе.</p>" * 5
        + "</article></body></html>")


def resolver(answers: dict[str, list[str]]) -> Any:
    async def getaddrinfo(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in answers[host]]
    return getaddrinfo


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Every request `fetch` makes, answered by a mock transport instead of the network."""
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path == "/short":
            return httpx.Response(302, headers={"location": "https://news.example/full"})
        return httpx.Response(200, text=PAGE, headers={"content-type": "text/html; charset=utf-8"})

    real_client = httpx.AsyncClient

    def client(**kwargs: Any) -> httpx.AsyncClient:
        return real_client(transport=httpx.MockTransport(handler), **kwargs)

    monkeypatch.setattr(fetch.httpx, "AsyncClient", client)
    return requests


async def test_request_goes_to_the_checked_ip_with_the_name_for_host_and_tls(
    sent: list[httpx.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", resolver({"news.example": [PUBLIC]}))
    final_url, text = await fetch_article("https://news.example/short", FetchPolicy())
    assert final_url == "https://news.example/full"
    assert "Министр иностранных дел" in text
    assert [str(r.url) for r in sent] == [f"https://{PUBLIC}/short", f"https://{PUBLIC}/full"]
    assert all(r.headers["host"] == "news.example" for r in sent)
    assert all(r.extensions.get("sni_hostname") == "news.example" for r in sent)


async def test_a_name_that_also_resolves_to_a_private_address_is_refused(
    sent: list[httpx.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", resolver({"news.example": [PUBLIC, "10.0.0.7"]}))
    with pytest.raises(ExtractError) as err:
        await fetch_article("http://news.example:8080/a", FetchPolicy())
    assert err.value.reason == "private_address"
    assert sent == []


async def test_a_name_resolving_to_loopback_is_refused_before_any_request(
    sent: list[httpx.Request], monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", resolver({"news.example": ["127.0.0.1"]}))
    with pytest.raises(ExtractError) as err:
        await fetch_article("http://news.example/short", FetchPolicy())
    assert err.value.reason == "private_address"
    assert sent == []


def test_ipv6_targets_are_bracketed_and_ports_kept() -> None:
    target = fetch._Target("https://news.example:8443/a?b=1", "2606:2800:220:1::1", "news.example", 8443)
    assert target.request_url() == "https://[2606:2800:220:1::1]:8443/a?b=1"
    assert target.headers() == {"Host": "news.example:8443"}
