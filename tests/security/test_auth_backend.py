"""The authentication backend (config.auth_backends): Django's ModelBackend with the user's row read by a compiled
query; sessions signed in by ModelBackend still resolve, and a wrong password is checked once, never twice."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, authenticate, get_user, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_login_failed
from django.test import Client, RequestFactory
from django.urls import reverse

from config.auth_backends import PreparedModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NEW_BACKEND = "config.auth_backends.PreparedModelBackend"
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _request_with_session(client):
    request = RequestFactory().get("/")
    request.session = client.session
    return request


def test_the_login_page_signs_in_with_the_new_backend_and_the_next_request_finds_the_user():
    user = UserFactory(username="observer")
    client = Client()
    response = client.post(reverse("login"), {"username": "observer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == NEW_BACKEND
    assert get_user(_request_with_session(client)) == user


def test_a_session_signed_in_by_djangos_model_backend_still_resolves():
    user = UserFactory(username="earlier")
    client = Client()
    client.force_login(user, backend=OLD_BACKEND)
    assert client.session[BACKEND_SESSION_KEY] == OLD_BACKEND
    assert get_user(_request_with_session(client)) == user


def test_a_session_whose_user_was_deactivated_or_deleted_ends_with_either_backend():
    for backend in (NEW_BACKEND, OLD_BACKEND):
        user = UserFactory(username=f"leaving-{backend.rsplit('.', 1)[1]}")
        client = Client()
        client.force_login(user, backend=backend)
        user.is_active = False
        user.save(update_fields=["is_active"])
        assert not get_user(_request_with_session(client)).is_authenticated
        client.force_login(UserFactory(username=f"gone-{backend.rsplit('.', 1)[1]}"), backend=backend)
        get_user_model().objects.filter(pk=client.session[SESSION_KEY]).delete()
        assert not get_user(_request_with_session(client)).is_authenticated


def test_a_changed_password_still_ends_the_session():
    user = UserFactory(username="changer")
    client = Client()
    client.force_login(user)
    user.set_password("another long passphrase")
    user.save()
    assert not get_user(_request_with_session(client)).is_authenticated


def test_get_user_is_one_query_and_the_same_row_as_model_backend(django_assert_num_queries):
    user = UserFactory(username="row", first_name="Aigerim", is_staff=True)
    with django_assert_num_queries(1):
        prepared = PreparedModelBackend().get_user(user.pk)
    expected = ModelBackend().get_user(user.pk)
    fields = get_user_model()._meta.concrete_fields
    assert [getattr(prepared, f.attname) for f in fields] == [getattr(expected, f.attname) for f in fields]
    assert prepared._state.adding is False
    assert PreparedModelBackend().get_user(user.pk + 10_000) is None
    # Any other id is converted as the ORM converts it; one that is not an id finds nobody rather than failing.
    with django_assert_num_queries(1):
        assert PreparedModelBackend().get_user(str(user.pk)) == user
    with django_assert_num_queries(0):
        assert PreparedModelBackend().get_user("not-an-id") is None


@pytest.fixture
def password_checks(monkeypatch):
    """Every password check and every dummy hash of an unknown username, counted."""
    counted = {"checks": 0, "hashes": 0}
    check, set_password = AbstractBaseUser.check_password, AbstractBaseUser.set_password

    def counting_check(self, raw_password):
        counted["checks"] += 1
        return check(self, raw_password)

    def counting_set(self, raw_password):
        counted["hashes"] += 1
        return set_password(self, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting_check)
    monkeypatch.setattr(AbstractBaseUser, "set_password", counting_set)
    return counted


def test_a_wrong_password_or_unknown_name_is_hashed_once_and_reported_as_a_failed_login(password_checks):
    UserFactory(username="target")
    password_checks.update(checks=0, hashes=0)  # the factory's own set_password
    failures = []

    def listener(sender, credentials, request, **kwargs):
        failures.append(credentials["username"])

    user_login_failed.connect(listener)
    try:
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username="target", password="wrong password") is None
        assert password_checks == {"checks": 1, "hashes": 0}
        assert authenticate(request, username="nobody", password="wrong password") is None
        assert password_checks == {"checks": 1, "hashes": 1}
    finally:
        user_login_failed.disconnect(listener)
    assert failures == ["target", "nobody"]


def test_an_inactive_user_with_the_right_password_is_refused():
    user = UserFactory(username="inactive")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert authenticate(RequestFactory().post("/"), username="inactive", password=PASSWORD) is None
    response = Client().post(reverse("login"), {"username": "inactive", "password": PASSWORD})
    assert response.status_code == 200


def test_permissions_are_model_backends():
    user = UserFactory(username="permitted")
    permission = Permission.objects.get(codename="view_mission")
    user.user_permissions.add(permission)
    user = get_user_model().objects.get(pk=user.pk)
    backend = PreparedModelBackend()
    assert backend.get_all_permissions(user) == ModelBackend().get_all_permissions(user) == {"missions.view_mission"}
    assert user.has_perm("missions.view_mission") and not user.has_perm("missions.change_mission")
