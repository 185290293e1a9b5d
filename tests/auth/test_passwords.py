"""The rules a new password must meet, with the reason in plain words, wherever a password is
chosen: registering and changing it."""

import pytest

from tests.helpers import PASSWORD, submit
from tracker.auth.passwords import password_problem

PAT = ["pat@example.com", "Pat Doe"]
GUESSABLE = "This password is easy to guess."
PERSONAL = "Do not build your password from your name, your email or the word “recert”"


@pytest.mark.parametrize(("password", "reason"), [
    ("short one", "Use at least 10 characters."),
    ("x" * 201, "Use at most 200 characters."),
    ("aaaaaaaaaa", GUESSABLE),
    ("Password123", GUESSABLE),
    ("qwertyuiop", GUESSABLE),
    ("1234567890", GUESSABLE),
    ("pat@example.com", PERSONAL),
    ("PatDoe2026!", PERSONAL),
    ("recertrecert", PERSONAL),
    ("Recert 12345!", PERSONAL),
])
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    assert password_problem(password, PAT).startswith(reason)


@pytest.mark.parametrize("password", [
    PASSWORD, "my dog eats tacos on friday", "Pattern welding is hard", "x9#Lq!mZ2v", "é" * 300,
])
def test_good_passwords_pass(password):
    expected = "Use at most 200 characters." if len(password) > 200 else None
    assert password_problem(password, PAT) == expected


def test_registering_refuses_the_email_as_password(app, client):
    response = submit(client, "/auth/register", {
        "email": "sam@example.com", "display_name": "Sam Lee",
        "password": "sam@example.com", "confirm": "sam@example.com"})
    assert response.status_code == 200
    assert PERSONAL in response.text


def test_changing_the_password_knows_whose_it_is(user_client):
    response = submit(user_client, "/account/password", {
        "current_password": PASSWORD, "password": "Pat Doe 1990!!", "confirm": "Pat Doe 1990!!"})
    assert PERSONAL in response.text
    assert "Your password is changed" not in response.text
