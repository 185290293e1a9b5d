"""Password hashing (argon2id) and the rules a new password must meet."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
MAX_LENGTH = 200

_RECOMMENDED = PasswordHasher()
# Under TESTING only: hashing at full cost is most of the time of a test that logs in (as
# cookiecutter-flask lowers bcrypt's rounds for its tests).
_CHEAPEST = PasswordHasher.from_parameters(profiles.CHEAPEST)


def _hasher() -> PasswordHasher:
    return _CHEAPEST if current_app.config.get("TESTING") else _RECOMMENDED


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Checked against when the email is unknown, so a wrong email takes as long as a wrong
    password."""
    return hasher.hash("not a real password, only here to spend the same time")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        hasher.verify(password_hash or _dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Why this password may not be used, in plain words, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return "This password is too common and easy to guess. Pick another one."
    return None
