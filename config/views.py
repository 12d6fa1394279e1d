"""Project-wide pages: errors, and the language switch."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.i18n import set_language


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 400 that says what was wrong (the message of the BadRequest raised by the view), as JSON to scripts."""
    message = str(exception) or _("The request could not be understood.")
    accept = request.headers.get("Accept", "")
    if "application/json" in accept or request.content_type == "application/json":
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def language_choose(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also keeps the choice as the person's e-mail language."""
    from observers.services import observer_language_set

    response = set_language(request)
    chosen = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and response.status_code in (200, 302):
        observer_language_set(user=request.user, language=chosen)
    return response
