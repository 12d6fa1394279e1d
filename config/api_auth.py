"""How API clients sign in: the browser session, or a token that expires (its holder revokes it: config/api_token.py).

Loaded by REST framework's settings, so this module must not import views.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

EXPIRED_MESSAGE = "The token has expired: ask a coordinator for a new one."


def token_expires_at(token: Token):
    """When a token stops being accepted."""
    return token.created + settings.API_TOKEN_LIFETIME


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, refused with 401 once the token is older than API_TOKEN_LIFETIME."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser session; a request that offered a token and failed is answered 401 (not 403) with a challenge.

    REST framework takes the challenge from the first authentication class, and the session has none, so without
    this an unknown or expired token would look like a missing permission.
    """

    def authenticate_header(self, request) -> str | None:
        offered = authentication.get_authorization_header(request).split()
        if offered and offered[0].lower() == b"token":
            return "Token"
        return None
