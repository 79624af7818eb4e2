"""Fetching a council's notice from its https:// address: a time limit, a size limit, redirects
followed (to https:// addresses only), and the address it ended at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 30.0
MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 8
USER_AGENT = "familyprivacy-notice-import (a council privacy notice, copied for a plain-language version)"


class FetchError(Exception):
    pass


@dataclass(frozen=True)
class Fetched:
    url: str  # where the content came from, after any redirects
    content: bytes
    content_type: str  # the media type, lower case, without parameters ("text/html")


def check_https(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise FetchError(f"{url}: only https:// addresses are fetched (this is {parts.scheme or 'no'}:"
                         "//); save the page and import the file, or give its https:// address")
    if not parts.hostname:
        raise FetchError(f"{url}: is not a web address (no host name)")


def fetch(url: str, transport: httpx.BaseTransport | None = None, max_bytes: int = MAX_BYTES) -> Fetched:
    """GET ``url``, following redirects while they stay on https://; at most ``max_bytes``.
    ``transport``: httpx's, for tests (default: the network)."""
    import httpx

    check_https(url)
    current = url
    try:
        with httpx.Client(follow_redirects=False, timeout=TIMEOUT_SECONDS, transport=transport,
                          headers={"User-Agent": USER_AGENT, "Accept": "text/html, application/pdf, "
                                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document, "
                                   "text/plain;q=0.8, */*;q=0.1"}) as client:
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        target = urljoin(current, location)
                        if urlsplit(target).scheme.lower() != "https":
                            raise FetchError(f"{url}: redirected to {target}, which is not https://; "
                                             "refusing to follow")
                        current = target
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"{current}: the server answered {response.status_code} "
                                         f"{response.reason_phrase}")
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError(f"{current}: is {int(declared)} bytes; the limit is {max_bytes}")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise FetchError(f"{current}: is more than {max_bytes} bytes; refusing the rest")
                    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Fetched(str(response.url), bytes(body), kind)
    except httpx.HTTPError as exc:
        raise FetchError(f"{current}: could not be fetched ({type(exc).__name__}: {exc})") from None
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")
