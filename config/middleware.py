"""Request hygiene shared by every page and endpoint."""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy

NUL_MESSAGE = gettext_lazy("The request contains a NUL character (\\u0000), which no field accepts.")


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class RejectNulCharactersMiddleware:
    """Refuse input with NUL characters with a 400 before it reaches a form, a query or the database.

    PostgreSQL text cannot hold NUL, so such input would otherwise surface as a server error deep in a
    service; no legitimate field of this product contains one. Uploaded files are not inspected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or self._body_has_nul(request):
            return JsonResponse({"detail": str(NUL_MESSAGE)}, status=400)
        return self.get_response(request)

    @staticmethod
    def _body_has_nul(request) -> bool:
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return _has_nul(request.POST)
        if content_type.endswith("json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body.lower()
        return False


SESSION_TAG_HEADER = "EOM-Session"


class SessionTagMiddleware:
    """Name the session on every page sent to a signed-in user, with an opaque tag.

    The observers' service worker keeps some pages for use without a network; it drops them when a page arrives
    with another tag (another user signed in, or the same one again) or with none, so nothing kept in one session
    is shown in the next. The tag is a keyed hash of the session key: it reveals neither the key nor the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        user = getattr(request, "user", None)
        if session_key and user is not None and user.is_authenticated:
            response.headers[SESSION_TAG_HEADER] = salted_hmac(
                "config.middleware.SessionTagMiddleware", session_key
            ).hexdigest()[:24]
        return response


class NoStoreForSignedInMiddleware:
    """Tell browsers and proxies to store no answer given to a signed-in user or an API token.

    Pages and API answers carry personal data, embargoed figures and plans: once the session ends, a shared
    computer's disk cache, the back button or a caching proxy must have nothing of them. Static files are answered
    before this middleware runs (WhiteNoise), so they keep their long caching for everyone; anonymous pages (the
    login page) are left to their views.

    The observers' service worker still keeps the few pages a team needs without a network (its own list, bound to
    the session): its store is not the HTTP cache, and it forgets them when the session ends.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # the API's token user too: DRF sets it on the request it wraps
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response
