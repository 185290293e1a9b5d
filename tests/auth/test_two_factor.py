"""Codes from an app (TOTP) with a frozen clock, and recovery codes: each works once.

The app's clock for codes is the NOW setting (seconds since 1970) when a test sets it."""

import hashlib

import pyotp
import pytest
from sqlmodel import Session, select

from tracker.auth import two_factor
from tracker.db import get_engine, get_session
from tracker.models import Passkey, RecoveryCode, User

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FROZEN = 1_800_000_000  # 2027-01-15, a whole 30-second step
TOTP = pyotp.TOTP(SECRET)


def code_at(seconds: float) -> str:
    return TOTP.at(seconds)


@pytest.fixture
def session(app):
    app.config["NOW"] = FROZEN
    with app.test_request_context():
        yield get_session()


@pytest.fixture
def user(session) -> User:
    user = User(email="pat@example.com", display_name="Pat Doe", password_hash="x",
                totp_secret=SECRET)
    session.add(user)
    session.commit()
    return user


def test_the_code_of_now_and_of_the_steps_beside_it_are_taken(session, user):
    assert two_factor.matching_step(SECRET, code_at(FROZEN)) == FROZEN // 30
    assert two_factor.matching_step(SECRET, code_at(FROZEN - 30)) == FROZEN // 30 - 1
    assert two_factor.matching_step(SECRET, code_at(FROZEN + 30)) == FROZEN // 30 + 1
    assert two_factor.matching_step(SECRET, code_at(FROZEN - 60)) is None
    assert two_factor.matching_step(SECRET, code_at(FROZEN + 60)) is None


def test_a_code_may_be_typed_with_a_space_but_not_be_anything_else(session, user):
    code = code_at(FROZEN)
    assert two_factor.matching_step(SECRET, f" {code[:3]} {code[3:]} ") is not None
    for wrong in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"]:
        assert two_factor.matching_step(SECRET, wrong) is None


def test_a_code_works_once(app, session, user):
    code = code_at(FROZEN)
    assert two_factor.use_app_code(session, user, code)
    assert not two_factor.use_app_code(session, user, code)
    # Nor does the code before it, once a later one was used.
    assert not two_factor.use_app_code(session, user, code_at(FROZEN - 30))
    app.config["NOW"] = FROZEN + 30
    assert two_factor.use_app_code(session, user, code_at(FROZEN + 30))
    assert user.totp_last_step == FROZEN // 30 + 1


def test_the_clock_moves_on(app, session, user):
    code = code_at(FROZEN)
    app.config["NOW"] = FROZEN + 90
    assert not two_factor.use_app_code(session, user, code)


def test_turning_on_needs_a_right_code_and_gives_ten_recovery_codes(session):
    user = User(email="sam@example.com", display_name="Sam", password_hash="x")
    session.add(user)
    session.commit()
    assert not two_factor.is_on(session, user)
    state = two_factor.setup_state(user)
    assert two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN + 300), state) is None
    assert user.totp_secret is None
    codes = two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN), state)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.is_on(session, user)
    # The code that turned it on is used up.
    assert not two_factor.use_app_code(session, user, code_at(FROZEN))


def test_recovery_codes_are_kept_hashed_and_each_works_once(session, user):
    codes = two_factor.new_recovery_codes(session, user)
    stored = session.exec(select(RecoveryCode)).all()
    assert {row.code_hash for row in stored} == {
        hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert two_factor.recovery_codes_left(session, user) == 10

    assert two_factor.use_code(session, user, f"  {codes[0].upper()} ") == "recovery"
    assert two_factor.use_code(session, user, codes[0]) is None
    assert two_factor.recovery_codes_left(session, user) == 9
    assert two_factor.use_code(session, user, codes[1].replace("-", "")) == "recovery"
    assert two_factor.use_code(session, user, "not-a-code") is None


def test_new_recovery_codes_end_the_old_ones(session, user):
    old = two_factor.new_recovery_codes(session, user)
    new = two_factor.new_recovery_codes(session, user)
    assert not two_factor.use_recovery_code(session, user, old[0])
    assert two_factor.use_recovery_code(session, user, new[0])


def test_turning_off_the_app_keeps_recovery_codes_only_for_passkeys(session, user):
    two_factor.new_recovery_codes(session, user)
    session.add(Passkey(user_id=user.id, name="Phone", credential_id=b"id", public_key=b"k"))
    session.commit()
    user.totp_last_step = FROZEN // 30
    two_factor.turn_off_app(session, user)
    assert user.totp_secret is None
    assert user.totp_last_step == FROZEN // 30  # it only goes up (see setup_state)
    assert two_factor.is_on(session, user)  # the passkey still asks for a second step
    assert two_factor.recovery_codes_left(session, user) == 10

    session.delete(session.exec(select(Passkey)).one())
    user.totp_secret = SECRET
    session.commit()
    two_factor.turn_off_app(session, user)
    assert not two_factor.is_on(session, user)
    assert two_factor.recovery_codes_left(session, user) == 0


def test_the_secret_is_shown_in_groups_and_as_a_qr_code(session, user):
    assert two_factor.grouped("ABCDEFGHIJKLMNOPQR") == "ABCD EFGH IJKL MNOP QR"
    address = two_factor.app_link(user, SECRET)
    assert address.startswith("otpauth://totp/Recert:pat%40example.com?secret=" + SECRET)
    svg = two_factor.qr_code_svg(address)
    assert svg.startswith("<svg") and "<title>" in svg and "style=" not in svg


def test_a_setup_works_once_and_not_again_after_turning_off(app, session):
    """The signed setup page is made for one state of the account: turning the app on changes
    it, and turning it off does not bring it back, even within the same 30 seconds."""
    user = User(email="sam@example.com", display_name="Sam", password_hash="x")
    session.add(user)
    session.commit()
    state = two_factor.setup_state(user)
    assert two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN), state)
    with pytest.raises(two_factor.SetupEnded):  # sent again while on
        two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN), state)
    two_factor.turn_off_app(session, user)
    assert two_factor.setup_state(user) != state
    with pytest.raises(two_factor.SetupEnded):  # sent again after turning it off
        two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN), state)
    assert user.totp_secret is None and two_factor.recovery_codes_left(session, user) == 0

    # A new setup in the same step works, and is again one of a kind.
    again = two_factor.setup_state(user)
    assert two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN), again)
    two_factor.turn_off_app(session, user)
    assert two_factor.setup_state(user) not in (state, again)


def test_a_setup_ends_when_the_password_changes(session):
    user = User(email="sam@example.com", display_name="Sam", password_hash="x")
    session.add(user)
    session.commit()
    state = two_factor.setup_state(user)
    user.password_hash = "y"
    with pytest.raises(two_factor.SetupEnded):
        two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN), state)


def test_two_setups_at_once_make_one_set_of_codes(app, session):
    """Two requests that both read the account before either turned the app on: the
    conditional UPDATE lets one through."""
    user = User(email="sam@example.com", display_name="Sam", password_hash="x")
    session.add(user)
    session.commit()
    state = two_factor.setup_state(user)
    with Session(get_engine(), expire_on_commit=False) as other:
        same_user = other.get(User, user.id)  # read before the first one turns it on
        assert two_factor.turn_on_app(session, user, SECRET, code_at(FROZEN), state)
        with pytest.raises(two_factor.SetupEnded):
            two_factor.turn_on_app(other, same_user, SECRET, code_at(FROZEN), state)
    assert len(session.exec(select(RecoveryCode)).all()) == 10


def test_turning_off_everything_removes_the_app_passkeys_and_codes(session, user):
    two_factor.new_recovery_codes(session, user)
    for name in ("Phone", "Key"):
        session.add(Passkey(user_id=user.id, name=name, credential_id=name.encode(),
                            public_key=b"k"))
    session.commit()
    removed = two_factor.turn_off_everything(session, user)
    assert removed == two_factor.Removed(app=True, passkeys=2, recovery_codes=10)
    assert removed.anything
    assert not two_factor.is_on(session, user)
    assert session.exec(select(Passkey)).all() == []
    assert session.exec(select(RecoveryCode)).all() == []
    assert not two_factor.turn_off_everything(session, user).anything
