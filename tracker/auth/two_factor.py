"""Two-factor sign-in: codes from an authenticator app (TOTP), recovery codes, and whether a
person's login takes a second step at all (passkeys: tracker.auth.passkeys).

The clock: every code is checked against `now()`, which is the app's NOW setting when it is set
(seconds since 1970, or an aware datetime; tests freeze time with it) and the real time
otherwise. A code is right for the current 30-second step and the ones just before and after
(a phone's clock may be a little off), and each step works once: `User.totp_last_step` keeps
the last one accepted, raised with one conditional UPDATE so two requests cannot both use it.
It only ever goes up (turning the app off keeps it), so it also tells one setup of the app from
the next: a setup page is made for the account's state (`setup_state`) and works for that state
only, once.
"""

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from tracker.auth.lockout import Attempt
from tracker.models import Passkey, RecoveryCode, User, utcnow

ISSUER = "Recert"
STEP_SECONDS = 30
# A code from the step before or after the current one is still taken.
STEPS_OF_SLACK = 1
RECOVERY_CODES = 10
# Letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def is_on(session: Session, user: User) -> bool:
    """Whether logging in as `user` takes a second step after the password."""
    return user.totp_secret is not None or has_passkeys(session, user)


def has_passkeys(session: Session, user: User) -> bool:
    return session.exec(select(Passkey.id).where(Passkey.user_id == user.id).limit(1)).first() \
        is not None


def now() -> float:
    """Seconds since 1970: the app's NOW setting when tests froze it, else the real time."""
    frozen = current_app.config.get("NOW")
    if isinstance(frozen, datetime):
        return frozen.timestamp()
    return float(frozen) if frozen is not None else time.time()


# Codes from an app (TOTP).

def new_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to read and type: "ABCD EFGH ..."."""
    return " ".join(secret[start:start + 4] for start in range(0, len(secret), 4))


def app_link(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(address: str) -> str:
    """A QR code of `address` as an <svg> element to put in the page (made here, no network)."""
    return segno.make(address, error="m").svg_inline(
        scale=5, border=4, title="QR code for your code app", svgclass="qr-code",
        lineclass=None, light="#fff")


def digits_only(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def matching_step(secret: str, code: str, after: int | None = None) -> int | None:
    """The time step (now, or one before or after) whose code `code` is, if it is later than
    `after`; None when it is none of them."""
    code = digits_only(code)
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - STEPS_OF_SLACK, current + STEPS_OF_SLACK + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_app_code(session: Session, user: User, code: str) -> bool:
    """Whether `code` is a right code from the person's app that was not used before; a right
    one is used up (it, and any code before it, works no more)."""
    if user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    return step is not None and _take_step(session, user, step)


def _take_step(session: Session, user: User, step: int) -> bool:
    """Record `step` as used, unless another request recorded it (or a later one) first."""
    result = session.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(user)
    return result.rowcount == 1


class SetupEnded(Exception):
    """The setup page was made for another state of the account: codes from an app were turned
    on (or off) since, or the password changed. It works no more."""


def setup_state(user: User) -> str:
    """A fingerprint of what a setup page is made for: no app yet, the last step a code was
    taken for (it only goes up, so turning the app on and off again changes it) and the
    password."""
    state = f"{user.id}|{user.totp_secret is None}|{user.totp_last_step}|{user.password_hash}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def turn_on_app(session: Session, user: User, secret: str, code: str,
                state: str) -> list[str] | None:
    """Turn on codes from an app when `code` shows the app has `secret`: returns the new
    recovery codes (to show once), or None when the code is not right. Raises SetupEnded when
    the account is no longer in the `state` the setup was made for, or another request turned
    it on first (one conditional UPDATE: two requests cannot both make codes)."""
    if user.totp_secret is not None or not hmac.compare_digest(setup_state(user), state):
        raise SetupEnded
    step = matching_step(secret, code)
    if step is None:
        return None
    last = user.totp_last_step
    result = session.execute(
        update(User)
        .where(User.id == user.id, User.totp_secret.is_(None),
               User.totp_last_step.is_(None) if last is None else User.totp_last_step == last)
        # Never down, and never the same again: that tells this setup from the next one.
        .values(totp_secret=secret, totp_last_step=step if last is None else max(step, last + 1))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(user)
    if result.rowcount != 1:
        raise SetupEnded
    return new_recovery_codes(session, user)


def turn_off_app(session: Session, user: User) -> None:
    """Stop asking for codes from an app; recovery codes go too unless passkeys still ask for
    a second step. The last step taken stays (see setup_state)."""
    user.totp_secret = None
    session.add(user)
    if not has_passkeys(session, user):
        delete_recovery_codes(session, user)
    session.commit()


@dataclass(frozen=True)
class Removed:
    """What turning off every second step removed."""

    app: bool
    passkeys: int
    recovery_codes: int

    @property
    def anything(self) -> bool:
        return self.app or self.passkeys > 0 or self.recovery_codes > 0


def turn_off_everything(session: Session, user: User) -> Removed:
    """Remove every second step of `user`: the app's secret, the passkeys and the recovery
    codes (for the people who run the site, when someone lost them all: `flask users
    turn-off-two-factor`)."""
    app = user.totp_secret is not None
    user.totp_secret = None
    session.add(user)
    passkeys = session.execute(delete(Passkey).where(Passkey.user_id == user.id)).rowcount
    codes = session.execute(
        delete(RecoveryCode).where(RecoveryCode.user_id == user.id)).rowcount
    session.commit()
    return Removed(app=app, passkeys=passkeys, recovery_codes=codes)


# Recovery codes.

def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def _new_code() -> str:
    letters = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def delete_recovery_codes(session: Session, user: User) -> None:
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten new recovery codes for `user` (the old ones stop working); only their hashes are
    kept, so this is the one time they can be shown."""
    delete_recovery_codes(session, user)
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    session.commit()
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return session.exec(
        select(func.count(RecoveryCode.id))
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).one()


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """Whether `code` is one of the person's unused recovery codes; a right one is used up
    (one conditional UPDATE: two requests cannot both use it)."""
    if not _normal(code):
        return False
    result = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def use_code(session: Session, user: User, code: str) -> str | None:
    """Check a code typed at the second step: "app" when it is a code from the app, "recovery"
    when it is a recovery code, None when it is neither (or was used before)."""
    if use_app_code(session, user, code):
        return "app"
    if use_recovery_code(session, user, code):
        return "recovery"
    return None


class CodeRefused(Exception):
    """A code typed at a second step was not taken; the message says why in plain words.
    `seconds_to_wait` > 0: refused unchecked, after too many tries."""

    def __init__(self, message: str, seconds_to_wait: int = 0) -> None:
        super().__init__(message)
        self.seconds_to_wait = seconds_to_wait


def use_code_under_lockout(session: Session, user: User, code: str) -> str:
    """use_code, after taking a try from the login lockout (so codes cannot be guessed one
    after another): the kind of code used, or CodeRefused."""
    attempt = Attempt.start(user, user.email)
    if attempt.refused:
        raise CodeRefused(attempt.wait_message, attempt.seconds_to_wait)
    used = use_code(session, user, code)
    if used is None:
        raise CodeRefused("That code is not right, or it was used before. Try again.")
    attempt.succeeded()
    return used
