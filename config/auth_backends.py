"""Django's ModelBackend with the signed-in user's row read by a query compiled once per process.

Every signed-in request reads its user by id (`get_user`); Django builds that queryset with the ORM each time (about
a seventh of the CPU of recording a form). This backend runs the same query, built once (config.queries), and keeps
everything else of ModelBackend: inactive users are refused the same way, permissions are read the same way.

Sessions name the backend that signed them in, so `django.contrib.auth.backends.ModelBackend` stays listed after this
one (settings.AUTHENTICATION_BACKENDS): a session signed in before still resolves. Django's `authenticate()` tries the
backends in order until one returns a user, so a wrong password would then be checked, and hashed, twice; this
backend instead ends the attempt on any failure (PermissionDenied stops `authenticate()`, which then reports the
failure, and axes counts it, exactly as when every backend had declined).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from config.queries import PreparedQuery

_USER_BY_ID = PreparedQuery(
    lambda user_id: get_user_model()._default_manager.filter(pk=user_id).order_by()[:1],
    "user_id",
)


class PreparedModelBackend(ModelBackend):
    """ModelBackend: the same users, checks and permissions; `get_user` compiled once, no second password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # Stop here: the ModelBackend listed after this one (for older sessions) would check the same password
            # against the same row again.
            raise PermissionDenied
        return user

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        user = await super().aauthenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        # A session's key arrives converted by the same field (django.contrib.auth); anything else is converted here
        # as the ORM would, and an id that is none of the model's finds nobody.
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _USER_BY_ID.first(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
