"""Who is logging in from where: the client's real address behind trusted proxies, and a failure budget per address.

Behind a reverse proxy every request comes from the proxy's address, so a lockout keyed on ``REMOTE_ADDR`` would
put every observer behind one key and let anyone lock a named account out for everybody. Each trusted proxy appends
the address it received the request from to ``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT`` proxies in front of
the application, the client's address is the entry the outermost trusted proxy wrote, counted from the right.
Entries further left were written by the client itself and are never trusted.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def client_address(request: HttpRequest) -> str:
    """The address of the client as the outermost trusted proxy saw it (``REMOTE_ADDR`` without proxies)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def address_failures(address: str) -> int:
    """Failed logins from one address, for any username, within the cool-off period."""
    attempts = AccessAttempt.objects.filter(ip_address=address)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressRateLimitedLockoutHandler(AxesDatabaseHandler):
    """Axes' lockout by username and address, plus a larger failure budget per address across usernames.

    The lock of one account is keyed on (username, address): an attacker elsewhere cannot lock its owner out. The
    budget per address slows down guessing many usernames from one place; it is set well above one user's mistakes
    because observers share mobile-network addresses.
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._address_over_budget(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # Axes marks a request locked out only by its own (username, address) count: mark the address's too.
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and self._address_over_budget(request)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    @staticmethod
    def _address_over_budget(request) -> bool:
        address = getattr(request, "axes_ip_address", None) or client_address(request)
        return address_failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
