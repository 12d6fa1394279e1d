"""Project-wide error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 400 that says what was wrong (the message of the BadRequest raised by the view), as JSON to scripts."""
    message = str(exception) or "The request could not be understood."
    accept = request.headers.get("Accept", "")
    if "application/json" in accept or request.content_type == "application/json":
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
