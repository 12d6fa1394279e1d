"""Login protection: lockout by username and address (never by address alone), strong passwords, sessions that end."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from config.login_protection import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
SHARED_ADDRESS = "10.20.30.40"  # a mobile operator's NAT: many observers behind one address


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None  # pick up the settings above
    yield
    AxesProxyHandler.implementation = None


def _login(client, username, password, address=SHARED_ADDRESS):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_failures_lock_the_username_but_not_a_colleague_behind_the_same_address(axes_on):
    owner, colleague = UserFactory(username="owner"), UserFactory(username="colleague")
    client = Client()
    for _ in range(2):
        assert _login(client, owner.username, "wrong password").status_code == 200
    assert _login(client, owner.username, "wrong password").status_code == 429  # the third failure locks
    locked = _login(client, owner.username, PASSWORD)
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    other = Client()
    response = _login(other, colleague.username, PASSWORD)
    assert response.status_code == 302
    assert int(other.session[SESSION_KEY]) == colleague.pk


def test_the_locked_user_can_still_log_in_from_another_address(axes_on):
    owner = UserFactory(username="owner")
    for _ in range(3):
        _login(Client(), owner.username, "wrong password")
    assert _login(Client(), owner.username, PASSWORD).status_code == 429
    assert _login(Client(), owner.username, PASSWORD, address="10.99.0.1").status_code == 302


PROXY_ADDRESS = "127.0.0.1"  # the reverse proxy on the same host, as the README's production shape has it
OWNER_ADDRESS = "198.51.100.7"
ATTACKER_ADDRESS = "203.0.113.66"


def _login_through_proxy(client, username, password, forwarded_for):
    """A login as the application sees it behind one proxy that appends the client's address."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY_ADDRESS,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_an_attacker_elsewhere_cannot_lock_the_owner_out(axes_on, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    owner = UserFactory(username="owner")
    attacker = Client()
    for _ in range(3):
        _login_through_proxy(attacker, owner.username, "wrong password", ATTACKER_ADDRESS)
    # The attacker also claims the owner's address: the proxy appends the real one, which is what counts.
    spoofed = _login_through_proxy(attacker, owner.username, PASSWORD, f"{OWNER_ADDRESS}, {ATTACKER_ADDRESS}")
    assert spoofed.status_code == 429
    assert SESSION_KEY not in attacker.session

    response = _login_through_proxy(Client(), owner.username, PASSWORD, OWNER_ADDRESS)
    assert response.status_code == 302
    attempts = {(a.username, a.ip_address) for a in AccessAttempt.objects.all()}
    assert attempts == {(owner.username, ATTACKER_ADDRESS)}


def test_without_trusted_proxies_a_forwarded_header_cannot_choose_the_address(axes_on, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    owner = UserFactory(username="owner")
    for _ in range(3):
        _login(Client(), owner.username, "wrong password", address=ATTACKER_ADDRESS)
    response = Client().post(
        reverse("login"),
        {"username": owner.username, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER_ADDRESS,
        HTTP_X_FORWARDED_FOR=OWNER_ADDRESS,
    )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER_ADDRESS}


def test_the_client_address_is_the_one_the_outermost_trusted_proxy_wrote(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 5  # fewer entries than proxies: the leftmost one, never the proxy itself
    assert client_address(request) == "6.6.6.6"


def test_one_address_guessing_many_usernames_is_slowed_down_and_others_are_not(axes_on, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    owner = UserFactory(username="owner")
    for number in range(4):  # one failure each: no (username, address) pair reaches the lockout of 3
        assert _login_through_proxy(Client(), f"guess{number}", "wrong password", ATTACKER_ADDRESS).status_code == 200
    assert _login_through_proxy(Client(), "guess4", "wrong password", ATTACKER_ADDRESS).status_code == 429
    assert _login_through_proxy(Client(), owner.username, PASSWORD, ATTACKER_ADDRESS).status_code == 429
    assert _login_through_proxy(Client(), owner.username, PASSWORD, OWNER_ADDRESS).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER_ADDRESS}


def test_the_api_throttles_key_on_the_same_client_address(settings):
    from rest_framework.settings import api_settings

    assert api_settings.NUM_PROXIES == django_settings.TRUSTED_PROXY_COUNT


def test_the_lockout_is_by_username_and_address_never_by_address_alone():
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("anna.berg.2019", "too similar to the"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    user = UserFactory.build(username="anna.berg", email="anna.berg@example.org")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=user)
    assert reason in " ".join(error.value.messages)


def test_a_strong_password_is_accepted():
    validate_password("Steppe-wind-over-Akmola", user=UserFactory.build(username="anna.berg"))


def test_sessions_expire_within_a_working_day():
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert django_settings.SESSION_COOKIE_HTTPONLY


def test_logout_ends_the_session_on_the_server(client):
    owner = UserFactory(username="owner")
    assert _login(client, owner.username, PASSWORD).status_code == 302
    old_key = client.session.session_key
    assert client.get(reverse("observe:home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert not SessionStore(session_key=old_key).exists(old_key)
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(reverse("observe:home"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


def test_logout_by_get_is_refused_so_a_link_cannot_end_a_session(client):
    owner = UserFactory(username="owner")
    client.force_login(owner)
    assert client.get(reverse("logout")).status_code == 405
    assert int(client.session[SESSION_KEY]) == owner.pk
