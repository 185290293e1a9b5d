"""Password hashing (argon2id) and the rules a new password must meet."""

import re
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
SITE_NAME = "recert"
STRONG_ENOUGH = 3  # zxcvbn's score, 0-4
ZXCVBN_LENGTH = 72  # zxcvbn refuses longer passwords
LEFT_OVER_LETTERS = 4  # fewer letters than this besides the personal words: built from them

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


def _letters(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalpha())


def _personal_parts(personal: list[str]) -> list[str]:
    """The words of a person's email and name (and the site's own name) worth guessing."""
    words = re.split(r"[^\w]+|_", " ".join([*personal, SITE_NAME]).lower())
    return sorted({word for word in words if len(_letters(word)) >= 3}, key=len, reverse=True)


def _built_from(password: str, personal: list[str]) -> bool:
    """Whether the password is little more than the person's email, name or "recert", with
    digits and signs around them (what a guesser who knows them tries first)."""
    rest = password.lower()
    for word in _personal_parts(personal):
        rest = rest.replace(word, "")
    return _letters(rest) != _letters(password) and len(_letters(rest)) < LEFT_OVER_LETTERS


def password_problem(password: str, personal: list[str] = ()) -> str | None:
    """Why this password may not be used, in plain words, or None when it is fine.

    `personal` holds what a guesser may know of its owner: their email and name."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if _built_from(password, list(personal)):
        return ("Do not build your password from your name, your email or the word "
                "“recert”: they are easy to guess.")
    # zxcvbn knows the common passwords, names, words, keyboard rows, repeats and dates; its
    # score 3 is "safe from an online guesser". It reads at most ZXCVBN_LENGTH characters.
    guess = zxcvbn(password[:ZXCVBN_LENGTH], user_inputs=[*personal, SITE_NAME])
    if guess["score"] < STRONG_ENOUGH:
        return ("This password is easy to guess. Try four or five words that only you "
                "would put together, like a short sentence.")
    return None
