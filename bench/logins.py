"""Logging people in through the real form, many at once (aiohttp).

Each person logs in once per benchmark run: GET /login (the form and its CSRF token), POST it,
keep the session cookie. Every Kreds server of the run shares the database and the secret key,
so the cookie is good on all of them (and on both processes of a two-process target)."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

import aiohttp
from yarl import URL

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class LogIn:
    cookie: str  # a Cookie header value
    seconds: float


async def _log_in(base_url: str, login: str, password: str) -> LogIn:
    started = time.time()
    # unsafe=True: keep cookies of an IP-address host (127.0.0.1).
    jar = aiohttp.CookieJar(unsafe=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as http:
        async with http.get(f"{base_url}/login") as page:
            page.raise_for_status()
            found = _CSRF.search(await page.text())
        if found is None:
            raise RuntimeError("the log-in page has no CSRF token")
        form = {"csrf_token": found.group(1), "login": login, "password": password}
        async with http.post(f"{base_url}/login", data=form, allow_redirects=False) as answer:
            if answer.status != 302:
                raise RuntimeError(f"log-in as {login!r} failed: {answer.status}")
        cookies = jar.filter_cookies(URL(base_url))
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    return LogIn(cookie=cookie, seconds=time.time() - started)


async def log_in_all(
    base_url: str, logins: list[str], password: str, concurrency: int = 16
) -> dict[str, LogIn]:
    """Log everyone in, ``concurrency`` at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(login: str) -> tuple[str, LogIn]:
        async with gate:
            return login, await _log_in(base_url, login, password)

    return dict(await asyncio.gather(*(one(login) for login in logins)))
