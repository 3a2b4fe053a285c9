"""The only URL fetcher WeasyPrint gets.

The report's HTML references nothing but `data:` URLs (charts, diagrams and
the logo are inlined from bytes the loader already checked) and files inside
dsreport's own `assets/` (fonts, CSS). Anything else, http, file paths
elsewhere, a symlink out of assets, stops the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from dsreport.resources import assets_dir

MEDIA = {
    ".css": "text/css",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class RefusedURL(FatalURLFetchingError):  # type: ignore[misc]
    """A document asked for a resource outside what dsreport allows."""

    def __init__(self, url: str) -> None:
        super().__init__(f"refused to fetch {url[:120]}")
        self.url = url


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(
            allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=True
        )
        self.root = assets_dir().resolve()
        self.refused: list[str] = []
        """Every refusal, including those WeasyPrint swallows (inside SVG images)."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except RefusedURL:
            self.refused.append(url)
            raise

    def _fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(url)
        path = Path(unquote(urlsplit(url).path))
        try:
            resolved = path.resolve(strict=True)
        except OSError as exc:
            raise RefusedURL(url) from exc
        if not resolved.is_relative_to(self.root) or not resolved.is_file() or path.is_symlink():
            raise RefusedURL(url)
        return URLFetcherResponse(
            url,
            body=resolved.read_bytes(),
            headers={"Content-Type": MEDIA.get(resolved.suffix, "application/octet-stream")},
        )


class BytesFetcher(URLFetcher):  # type: ignore[misc]
    """Serves one attachment's bytes as they are, whatever URL it is asked for: a table
    passed as a base64 `data:` URL was encoded and decoded again for nothing (a third of
    the time to attach a 15 MB table)."""

    def __init__(self, payload: bytes, media: str) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)
        self.payload = payload
        self.media = media

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        del headers  # nothing is fetched: the bytes are already here
        return URLFetcherResponse(url, body=self.payload, headers={"Content-Type": self.media})
