"""Wrong passwords lock out the browser that sent them, not the account's owner: a stranger's
guesses lock unknown browsers only, a browser that logged in before keeps its own count, and
the pages that ask for the password again count under the same lockout."""

import threading

from tests.helpers import PASSWORD, AuthActions, submit
from tests.live_server import Browser
from tracker.auth.lockout import ADDRESS_LIMIT, DEVICE_COOKIE, LIMIT

WRONG = "not the password at all"


def owner_and_stranger(app, auth):
    """Pat, registered (so this browser is known) and logged out, and a stranger's browser."""
    auth.register()
    auth.logout()
    return auth, AuthActions(app.test_client())


def test_a_strangers_guesses_do_not_lock_the_owner_out(app, auth):
    owner, stranger = owner_and_stranger(app, auth)
    for _ in range(LIMIT):
        assert stranger.login(password=WRONG).status_code == 200
    locked = stranger.login()  # even the right password, from an unknown browser
    assert locked.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in locked.text
    assert 'href="/auth/forgot"' in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    # Any other unknown browser is locked out too...
    assert AuthActions(app.test_client()).login().status_code == 429
    # ...but the owner's own browser, which logged in before, still gets in.
    assert owner.login().status_code == 302
    assert "Log out" in owner.client.get("/").text


def test_a_known_browser_that_guesses_wrong_locks_only_itself(app, auth):
    owner, _stranger = owner_and_stranger(app, auth)
    for _ in range(LIMIT):
        assert owner.login(password=WRONG).status_code == 200
    assert owner.login().status_code == 429
    # Someone on another browser, with the right password, is not held back by that device.
    assert AuthActions(app.test_client()).login().status_code == 302


def test_a_forged_device_cookie_counts_as_an_unknown_browser(app, auth):
    _owner, stranger = owner_and_stranger(app, auth)
    stranger.client.set_cookie(DEVICE_COOKIE, "eyJ1c2VyIjoxfQ.forged")
    for _ in range(LIMIT):
        assert stranger.login(password=WRONG).status_code == 200
    assert AuthActions(app.test_client()).login().status_code == 429


def test_a_new_password_ends_the_old_device_cookies(app, auth, client):
    """Someone who kept a cookie from a browser that once logged in does not keep its own five
    tries after the password changed: it counts as an unknown browser."""
    auth.register()
    old_cookie = client.get_cookie(DEVICE_COOKIE).value
    response = submit(client, "/account/password", {
        "current_password": PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    keeper = AuthActions(app.test_client())
    keeper.client.set_cookie(DEVICE_COOKIE, old_cookie)
    for _ in range(LIMIT):
        assert keeper.login(password=WRONG).status_code == 200
    # Its guesses spent the unknown browsers' budget, which now holds them all off.
    assert AuthActions(app.test_client()).login(password="a brand new passphrase"
                                                ).status_code == 429
    # This browser got a new cookie with the new password, and still gets in.
    auth.logout()
    assert auth.login(password="a brand new passphrase").status_code == 302


def test_a_right_password_gives_its_try_back(app, auth):
    _owner, stranger = owner_and_stranger(app, auth)
    for _ in range(LIMIT - 1):
        assert stranger.login(password=WRONG).status_code == 200
    newcomer = AuthActions(app.test_client())
    assert newcomer.login().status_code == 302  # an unknown browser with the right password
    assert stranger.login(password=WRONG).status_code == 200  # the fifth wrong one
    assert stranger.login(password=WRONG).status_code == 429


def test_asking_for_the_password_again_counts_under_the_lockout(app, auth, client):
    auth.register()
    for _ in range(LIMIT):
        response = submit(client, "/account/password", {
            "current_password": WRONG, "password": "a brand new passphrase",
            "confirm": "a brand new passphrase"})
        assert "That is not your current password." in response.text
    response = submit(client, "/account/password", {
        "current_password": PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert "Too many attempts. Try again in 15 minutes." in response.text
    auth.logout()
    # The same browser cannot log in either, and the password did not change.
    assert auth.login().status_code == 429
    assert AuthActions(app.test_client()).login().status_code == 302


def test_a_logged_in_browser_without_a_device_cookie_is_not_locked_by_a_stranger(app, auth,
                                                                                client):
    """A browser logged in before device cookies existed: its password checks on the account
    pages count for its own login, not for the unknown browsers a stranger locked."""
    auth.register()
    client.delete_cookie(DEVICE_COOKIE)
    stranger = AuthActions(app.test_client())
    for _ in range(LIMIT):
        stranger.login(password=WRONG)
    assert stranger.login().status_code == 429
    response = submit(client, "/account/password", {
        "current_password": PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert "Your password is changed" in client.get("/account/").text


def test_one_address_may_guess_at_several_emails_before_it_is_stopped(app, auth):
    """A factory's people may share one address: one person's wrong passwords do not lock the
    others out; a script trying many emails is stopped."""
    _owner, stranger = owner_and_stranger(app, auth)
    for _ in range(LIMIT):
        stranger.login(password=WRONG)
    assert stranger.login(email="sam@example.com", password=WRONG).status_code == 200
    for number in range(ADDRESS_LIMIT - LIMIT - 1):
        stranger.login(email=f"guess{number}@example.com", password=WRONG)
    assert stranger.login(email="lee@example.com", password=WRONG).status_code == 429


def test_parallel_guesses_get_at_most_five_passwords_checked(app, auth, live_url):
    """40 wrong passwords sent at once, each from its own browser: the count is taken before
    the password is checked, so only five are checked."""
    auth.register()
    browsers = [Browser() for _ in range(40)]
    answers: list[int] = []
    start = threading.Barrier(len(browsers))

    def guess(browser: Browser) -> None:
        start.wait()
        answers.append(browser.login(live_url, "pat@example.com", WRONG).status)

    threads = [threading.Thread(target=guess, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] * LIMIT + [429] * (len(browsers) - LIMIT)
