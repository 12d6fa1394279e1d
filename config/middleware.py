"""Request hygiene shared by every page and endpoint."""

from django.http import JsonResponse

NUL_MESSAGE = "The request contains a NUL character (\\u0000), which no field accepts."


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
            return JsonResponse({"detail": NUL_MESSAGE}, status=400)
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
