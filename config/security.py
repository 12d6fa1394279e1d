"""Response headers Django does not set itself: Content-Security-Policy, Permissions-Policy and Referrer-Policy.

The policy allows scripts only from this site's own files: an injected <script> in a page (a note, a station name)
is not run even if escaping failed somewhere. Inline styles are allowed (the admin and a few templates use them);
inline scripts are not. Pages that need more (the API documentation, whose third-party templates set themselves
up with an inline script) are listed in CONTENT_SECURITY_POLICY_RELAXED with the directives they replace. The
policies themselves are settings (config/settings/base.py).

Development and test send the policy as Content-Security-Policy-Report-Only, so a violation shows in the browser
console without breaking a page; production (CONTENT_SECURITY_POLICY_ENFORCE = True) enforces it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy_text(directives: dict[str, str]) -> str:
    """A directives mapping as the header value, in a stable order."""
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


def policy_for_path(path: str) -> str:
    """The Content-Security-Policy value for a request path."""
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    for prefix, replaced in settings.CONTENT_SECURITY_POLICY_RELAXED:
        if path.startswith(prefix):
            directives.update(replaced)
    tiles = map_tile_origin(settings.MAP_TILE_URL)
    if tiles:
        directives["img-src"] = f"{directives.get('img-src', '')} {tiles}".strip()
    return policy_text(directives)


def map_tile_origin(url: str) -> str:
    """The origin the map's tiles come from, as a CSP source ('{s}' subdomains become a wildcard); '' if none."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


class SecurityHeadersMiddleware:
    """Add the content security, permissions and referrer policies to every response that has none yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        enforce = settings.CONTENT_SECURITY_POLICY_ENFORCE
        header = "Content-Security-Policy" if enforce else "Content-Security-Policy-Report-Only"
        if "Content-Security-Policy" not in response and "Content-Security-Policy-Report-Only" not in response:
            response[header] = policy_for_path(request.path)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
