"""Two-factor sign-in: codes from an authenticator app (TOTP), recovery codes, and whether a
person's login takes a second step at all (passkeys: tracker.auth.passkeys).

The clock: every code is checked against `now()`, which is the app's NOW setting when it is set
(seconds since 1970, or an aware datetime; tests freeze time with it) and the real time
otherwise. A code is right for the current 30-second step and the ones just before and after
(a phone's clock may be a little off), and each step works once: `User.totp_last_step` keeps
the last one accepted, raised with one conditional UPDATE so two requests cannot both use it.
"""

import hashlib
import hmac
import re
import secrets
import time
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import func, or_, update
from sqlmodel import Session, select

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
        scale=5, border=4, title="QR code for your authenticator app", svgclass="qr-code",
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


def turn_on_app(session: Session, user: User, secret: str, code: str) -> list[str] | None:
    """Turn on codes from an app when `code` shows the app has `secret`: returns the new
    recovery codes (to show once), or None when the code is not right."""
    step = matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step
    session.add(user)
    return new_recovery_codes(session, user)


def turn_off_app(session: Session, user: User) -> None:
    """Stop asking for codes from an app; recovery codes go too unless passkeys still ask for
    a second step."""
    user.totp_secret = None
    user.totp_last_step = None
    session.add(user)
    if not has_passkeys(session, user):
        delete_recovery_codes(session, user)
    session.commit()


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
