"""The product's URLs plus a trivial JSON endpoint that the benchmarks use as the limit of the HTTP stack."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    """The least a request can do: pass the middleware and return a small JSON body."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/ping/", ping, name="bench_ping"),
    path("", include("config.urls")),
]
