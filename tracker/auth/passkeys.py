"""Passkeys (WebAuthn), on the server: the options the browser's prompt is opened with, and the
check of what the authenticator answers (the py_webauthn library does the cryptography).

Every prompt gets a new random challenge, kept in the signed session cookie for a few minutes
with what it is for, and taken out when the answer comes. As an old copy of the cookie could
carry it again, an answered challenge is also marked as used in the limiter's shared storage
(Redis on a real site): a challenge works once.

The relying party is the site: its host name and origin come from RECERT_BASE_URL when it is
set, else (in development) from the request. New passkeys must be discoverable (resident) and
check who holds them (PIN, fingerprint, face), so one can log in alone, without a password.

What the script sends is read by `answer_sent`: a JSON object of at most 64 KB, or a plain 400
(never a 500 for an empty, huge, deeply nested or otherwise odd body).
"""

import hashlib
import time
from urllib.parse import urlsplit

from flask import current_app, request
from flask import session as cookie
from sqlmodel import Session, select
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.auth import two_factor
from tracker.extensions import limiter
from tracker.models import Passkey, User, utcnow

CHALLENGE = "passkey_challenge"
CHALLENGE_SECONDS = 5 * 60
TIMEOUT_MS = CHALLENGE_SECONDS * 1000
# What a challenge is for.
ADD = "add"
SECOND_STEP = "second step"
LOG_IN = "log in"


KNOWN_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}
# A passkey's answer is a few kilobytes at most.
MAX_ANSWER_BYTES = 64 * 1024


class PasskeyError(Exception):
    """The passkey's answer was not accepted; the message says so in plain words."""


def answer_sent() -> dict:
    """The JSON object the script sent with this request: PasskeyError for anything else (no
    body, too big, not JSON, not UTF-8, nested too deep, null, a list, a number...)."""
    too_big = PasskeyError("The browser sent too much. Please reload the page and try again.")
    if request.content_length is not None and request.content_length > MAX_ANSWER_BYTES:
        raise too_big
    request.max_content_length = MAX_ANSWER_BYTES  # also for a body sent in chunks
    try:
        answer = request.get_json(silent=True)
    except RequestEntityTooLarge as error:
        raise too_big from error
    except RecursionError:  # "[[[[..." deeper than Python's json reader goes
        answer = None
    if not isinstance(answer, dict):
        raise PasskeyError("The browser's answer was not understood. Please reload the page "
                           "and try again.")
    return answer


def _transports(answer: dict) -> list[str]:
    """The ways the browser says it can reach a new passkey, those WebAuthn knows."""
    response = answer.get("response")
    transports = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(transports, list):
        return []
    return [name for name in transports if isinstance(name, str) and name in KNOWN_TRANSPORTS]


def relying_party() -> tuple[str, str]:
    """(host name, origin) the browser must see: from RECERT_BASE_URL, else the request."""
    base = urlsplit(current_app.config.get("BASE_URL") or request.host_url)
    return base.hostname or "", f"{base.scheme}://{base.netloc}"


def user_handle(user: User) -> bytes:
    """The id the authenticator keeps for the account: the account's number, nothing personal."""
    return str(user.id).encode()


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(
                id=key.credential_id,
                transports=[AuthenticatorTransport(name) for name in key.transports
                            if name in KNOWN_TRANSPORTS] or None)
            for key in passkeys]


def passkeys_of(session: Session, user: User) -> list[Passkey]:
    return list(session.exec(
        select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at)))


def _remember(challenge: bytes, purpose: str, **extra) -> None:
    cookie[CHALLENGE] = {"challenge": bytes_to_base64url(challenge), "purpose": purpose,
                          "at": int(time.time()), **extra}


def _take_challenge(purpose: str) -> tuple[bytes, dict]:
    """The challenge kept for `purpose` and what was kept with it; it works this once."""
    kept = cookie.pop(CHALLENGE, None)
    if (not isinstance(kept, dict) or kept.get("purpose") != purpose
            or time.time() - kept.get("at", 0) > CHALLENGE_SECONDS):
        raise PasskeyError("That took too long. Please try again.")
    digest = hashlib.sha256(kept["challenge"].encode()).hexdigest()
    key = f"{current_app.config['RATELIMIT_KEY_PREFIX']}/passkey-challenge/{digest}"
    if limiter.storage.incr(key, CHALLENGE_SECONDS) > 1:
        raise PasskeyError("That took too long. Please try again.")
    return base64url_to_bytes(kept["challenge"]), kept


# Adding a passkey.

def add_options(session: Session, user: User, name: str) -> str:
    """The JSON the browser creates a passkey for `user` with; `name` is kept till it answers."""
    rp_id, _origin = relying_party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name=two_factor.ISSUER, user_id=user_handle(user), user_name=user.email,
        user_display_name=user.display_name, timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=_descriptors(passkeys_of(session, user)),
    )
    _remember(options.challenge, ADD, user_id=user.id, name=name)
    return options_to_json(options)


def add(session: Session, user: User, answer: dict) -> Passkey:
    """Check the browser's answer to `add_options` (from `answer_sent`) and keep the new
    passkey."""
    challenge, kept = _take_challenge(ADD)
    if kept.get("user_id") != user.id:
        raise PasskeyError("That took too long. Please try again.")
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=answer, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, require_user_verification=True)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyError("The passkey could not be added. Please try again.") from error
    if session.exec(select(Passkey.id).where(
            Passkey.credential_id == verified.credential_id)).first() is not None:
        raise PasskeyError("This passkey is already added.")
    passkey = Passkey(
        user_id=user.id, name=kept.get("name") or "Passkey",
        credential_id=verified.credential_id, public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=_transports(answer),
    )
    session.add(passkey)
    session.commit()
    return passkey


def remove(session: Session, user: User, passkey: Passkey) -> None:
    """Remove one of the person's passkeys; recovery codes go too when nothing asks for a
    second step any more."""
    session.delete(passkey)
    session.flush()
    if user.totp_secret is None and not passkeys_of(session, user):
        two_factor.delete_recovery_codes(session, user)
    session.commit()


def passkey_of(session: Session, user: User, passkey_id: int) -> Passkey | None:
    passkey = session.get(Passkey, passkey_id)
    return passkey if passkey is not None and passkey.user_id == user.id else None


# Logging in with a passkey.

def login_options(session: Session, user: User | None) -> str:
    """The JSON the browser asks for a passkey with: one of `user`'s for the second step, or
    (user None) any passkey of this site, which must check who holds it (logging in alone)."""
    rp_id, _origin = relying_party()
    if user is None:
        options = generate_authentication_options(
            rp_id=rp_id, timeout=TIMEOUT_MS,
            user_verification=UserVerificationRequirement.REQUIRED)
        _remember(options.challenge, LOG_IN)
    else:
        options = generate_authentication_options(
            rp_id=rp_id, timeout=TIMEOUT_MS,
            allow_credentials=_descriptors(passkeys_of(session, user)),
            user_verification=UserVerificationRequirement.PREFERRED)
        _remember(options.challenge, SECOND_STEP, user_id=user.id)
    return options_to_json(options)


def log_in(session: Session, user: User | None, answer: dict) -> Passkey:
    """Check the browser's answer to `login_options(user)` (from `answer_sent`): the passkey
    it used, with its use
    recorded. `user` None: logging in alone, whoever the passkey belongs to."""
    challenge, kept = _take_challenge(LOG_IN if user is None else SECOND_STEP)
    if user is not None and kept.get("user_id") != user.id:
        raise PasskeyError("That took too long. Please try again.")
    not_known = PasskeyError("This passkey is not one of your Recert passkeys.")
    try:
        credential = parse_authentication_credential_json(answer)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise not_known from error
    passkey = session.exec(
        select(Passkey).where(Passkey.credential_id == credential.raw_id)).first()
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise not_known
    handle = credential.response.user_handle
    if handle is not None and handle != user_handle(session.get(User, passkey.user_id)):
        raise not_known
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=user is None)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyError("The passkey could not be checked. Please try again.") from error
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    session.add(passkey)
    session.commit()
    return passkey
