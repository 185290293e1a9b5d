"""Wrong passwords, counted so that a stranger cannot lock the owner out of their account.

After OWASP's "device cookies": a browser that has logged in to an account carries a signed
cookie naming it. Every password check (at login, at the second step, and on the pages that ask
for the current password again) first takes one try from a budget, and only then is the
password checked:
- a browser with this account's device cookie spends its own budget (a logged-in browser that
  has none, its login's);
- any other browser spends the budget all unknown browsers share for that email, and its
  address's larger budget (one script trying many emails; a whole factory may share one
  address).
So a stranger's wrong passwords lock out unknown browsers only, while the owner's known browser
still gets in. A try is taken with one atomic increment in the limiter's shared storage (Redis
on a real site), before the password is checked: 40 tries sent at once to several servers get
at most LIMIT passwords checked. A right password gives its try back, and clears a known
device's count.
"""

import secrets
import time
from dataclasses import dataclass, field

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.auth.passwords import verify_password
from tracker.auth.verification import fingerprint
from tracker.errors import too_many_attempts
from tracker.extensions import limiter
from tracker.models import User

LIMIT = 5
ADDRESS_LIMIT = 50
WINDOW_SECONDS = 15 * 60
DEVICE_COOKIE = "recert_device"
DEVICE_COOKIE_DAYS = 365


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="device-cookie")


def _device_nonce(user: User) -> str | None:
    """The nonce of this browser's device cookie when it names `user` with their current
    password (a new password ends every old cookie's budget), else None."""
    try:
        value = _signer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return None
    if (not isinstance(value, dict) or value.get("user") != user.id
            or value.get("password") != fingerprint(user)):
        return None
    nonce = value.get("nonce")
    return nonce if isinstance(nonce, str) else None


def remember_device(response: Response, user: User) -> Response:
    """Mark this browser as one that logged in to `user`'s account (a new nonce each time)."""
    value = _signer().dumps({"user": user.id, "password": fingerprint(user),
                             "nonce": secrets.token_urlsafe(16)})
    config = current_app.config
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
                        secure=config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


def _key(kind: str, value: str) -> str:
    # Under the limiter's prefix, so several sites can share one Redis.
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}/lockout/{kind}/{value}"


@dataclass
class Attempt:
    """One password check: the budgets it spends (key and limit) and whether it may go
    ahead."""

    budgets: list[tuple[str, int]]
    known_device: bool
    seconds_to_wait: int = 0  # > 0: refused, try again after this long
    _taken: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, user: User | None, email: str) -> "Attempt":
        """Take one try from each budget of this browser for `email` (whose account, if any,
        is `user`). Refused, it takes nothing."""
        nonce = _device_nonce(user) if user is not None else None
        if nonce is not None:
            return cls([(_key("device", nonce), LIMIT)], known_device=True)._take()
        return cls([(_key("unknown", email.strip().lower()), LIMIT),
                    (_key("address", get_remote_address()), ADDRESS_LIMIT)],
                   known_device=False)._take()

    @classmethod
    def logged_in(cls, user: User) -> "Attempt":
        """A check of the logged-in person's password: a known device's budget, or their
        login's own (a browser logged in before device cookies existed has none). Never the
        unknown browsers' budget, which a stranger can spend."""
        nonce = _device_nonce(user)
        key = _key("device", nonce) if nonce else _key("login", user.login_session_token)
        return cls([(key, LIMIT)], known_device=True)._take()

    @property
    def refused(self) -> bool:
        return self.seconds_to_wait > 0

    def _take(self) -> "Attempt":
        storage = limiter.storage
        for key, limit in self.budgets:
            if storage.incr(key, WINDOW_SECONDS) > limit:
                self.seconds_to_wait = max(1, int(storage.get_expiry(key) - time.time()))
                self._give_back([*self._taken, key])
                break
            self._taken.append(key)
        return self

    def _give_back(self, keys: list[str]) -> None:
        for key in keys:
            # Not below zero: the window may have ended since the try was taken.
            if limiter.storage.get(key) > 0:
                limiter.storage.incr(key, WINDOW_SECONDS, amount=-1)
        self._taken = []

    def succeeded(self) -> None:
        """The password was right: it costs nothing, and a known device starts afresh."""
        if self.known_device:
            for key in self._taken:
                limiter.storage.clear(key)
            self._taken = []
        else:
            self._give_back(self._taken)

    @property
    def wait_message(self) -> str:
        return too_many_attempts(self.seconds_to_wait)


def checked_password(attempt: Attempt, password_hash: str, field, wrong: str) -> bool:
    """Whether the form `field` holds the password of `password_hash`, checked only when the
    started `attempt` may go ahead; otherwise the field says why (`wrong`, or when to try
    again)."""
    if attempt.refused:
        field.errors.append(attempt.wait_message)
        return False
    if verify_password(password_hash, field.data):
        attempt.succeeded()
        return True
    field.errors.append(wrong)
    return False
