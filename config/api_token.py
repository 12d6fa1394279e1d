"""The signed-in user's own API token: when it expires, and revoking it."""

from __future__ import annotations

from drf_spectacular import authentication as drf_spectacular_authentication
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_auth import token_expires_at


class TokenStatusSerializer(serializers.Serializer):
    """Whether the user holds a token and until when it is accepted (the key itself is never shown again)."""

    has_token = serializers.BooleanField()
    created = serializers.DateTimeField(allow_null=True)
    expires = serializers.DateTimeField(allow_null=True)


class OwnTokenView(GenericAPIView):
    """The signed-in user's own API token: see whether it exists and when it expires, or revoke it."""

    serializer_class = TokenStatusSerializer
    pagination_class = None
    filter_backends = ()

    def get(self, request: Request) -> Response:
        token = Token.objects.filter(user=request.user).first()
        data = {
            "has_token": token is not None,
            "created": token.created if token else None,
            "expires": token_expires_at(token) if token else None,
        }
        return Response(self.get_serializer(data).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the token: it is refused from now on, whoever holds a copy."""
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    """The schema describes the session sign-in of config.api_auth like REST framework's own."""

    target_class = "config.api_auth.SessionAuthentication"
