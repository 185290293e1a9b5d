"""Where you are logged in: each browser in words with "This device"; log out one of the others
or all of them (their next request is logged out); never another person's browser."""

import re

import pytest
from sqlmodel import select

from tests.api.helpers import make_token
from tests.helpers import AuthActions, snapshot, submit
from tracker.db import get_session
from tracker.models import LoginSession

PAGE = "/account/devices/"
# Browsers' User-Agent headers, cut short (tests/auth/test_devices.py has them whole).
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 "
                 "Mobile/15E148 Safari/604.1")
CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0"
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def browser(app, user_agent: str):
    """A test client that sends this User-Agent header, as that browser would."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def login_id(app, device: str) -> int:
    with app.app_context():
        return get_session().exec(select(LoginSession.id)
                                  .where(LoginSession.device == device)).one()


def is_logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


@pytest.fixture
def phone(app):
    """pat@example.com, registered (and so logged in) on an iPhone."""
    client = browser(app, SAFARI_IPHONE)
    assert AuthActions(client).register().status_code == 302
    return client


@pytest.fixture
def laptop(app, phone):
    """The same person, logged in later on a Windows laptop."""
    client = browser(app, CHROME_WINDOWS)
    assert AuthActions(client).login().status_code == 302
    return client


def rows(html: str) -> list[str]:
    """The text of each browser in the list."""
    listed = html.split('aria-label="Browsers"', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "<" + row)).strip()
            for row in listed.split("<article")[1:]]


def test_the_page_lists_each_browser_in_words_newest_first(app, phone, laptop):
    page = laptop.get(PAGE)
    assert page.status_code == 200
    [this, other] = rows(page.text)
    assert this.startswith("Chrome on Windows This device First seen")
    assert other.startswith("Safari on iPhone")
    assert "This device" not in other and "Log out" in other
    assert "Log out" not in this  # "Log out" in the menu does that
    assert re.search(r"First seen \w{3} \d+, \d{4}, \d+:\d\d [AP]M UTC Last seen \w{3} ", other)
    assert "Log out everywhere else" in page.text
    # On the phone, the phone is this device.
    assert rows(phone.get(PAGE).text)[-1].startswith("Safari on iPhone This device")


def test_alone_there_is_nothing_else_to_log_out(phone):
    page = phone.get(PAGE)
    assert "You are not logged in anywhere else." in page.text
    assert "Log out everywhere else" not in page.text


def test_log_out_one_browser(app, phone, laptop):
    response = submit(laptop, f"/account/devices/{login_id(app, 'Safari on iPhone')}/log-out",
                      {}, form_page=PAGE)
    assert response.status_code == 302
    page = laptop.get(response.headers["Location"])
    assert "Safari on iPhone is logged out." in page.text
    assert [row.split(" This device")[0] for row in rows(page.text)] == ["Chrome on Windows"]
    # The phone's next request is logged out; the laptop stays.
    assert phone.get("/account/").headers["Location"].startswith("/auth/login")
    assert is_logged_in(laptop)


def test_log_out_everywhere_else(app, phone, laptop):
    desktop = browser(app, FIREFOX_LINUX)
    AuthActions(desktop).login()
    response = submit(laptop, "/account/devices/log-out-others", {}, form_page=PAGE)
    assert "Logged out 2 other browsers. This one stays logged in." in laptop.get(
        response.headers["Location"]).text
    assert not is_logged_in(phone) and not is_logged_in(desktop)
    assert is_logged_in(laptop)
    assert len(rows(laptop.get(PAGE).text)) == 1


def test_this_browser_is_not_ended_here(app, phone, laptop):
    response = submit(laptop, f"/account/devices/{login_id(app, 'Chrome on Windows')}/log-out",
                      {}, form_page=PAGE)
    assert response.status_code == 404
    assert is_logged_in(laptop)


def test_another_persons_browser_cannot_be_logged_out(app, phone):
    intruder = browser(app, FIREFOX_LINUX)
    AuthActions(intruder).register(email="intruder@example.com", name="Intruder")
    victims = login_id(app, "Safari on iPhone")
    before = snapshot(app)
    response = submit(intruder, f"/account/devices/{victims}/log-out", {}, form_page=PAGE)
    assert response.status_code == 404
    submit(intruder, "/account/devices/log-out-others", {}, form_page=PAGE)
    assert snapshot(app) == before
    assert is_logged_in(phone)
    assert "Safari on iPhone" not in intruder.get(PAGE).text


def test_the_page_needs_a_login(client):
    assert client.get(PAGE).headers["Location"].startswith("/auth/login")


def test_the_api_tokens_are_listed_with_a_link_to_revoke_them(app, phone):
    make_token(phone, name="Laptop script", expires_on="2030-01-31")
    page = phone.get(PAGE).text
    tokens = page.split("<h2>API tokens</h2>", 1)[1]
    assert "Laptop script" in tokens
    assert "Last used: Never. Expires: Jan 31, 2030." in tokens
    assert 'href="/account/tokens/"' in tokens


def test_without_tokens_the_page_says_so(phone):
    assert "You have no API tokens." in phone.get(PAGE).text


def test_the_account_page_links_here_and_to_two_factor_sign_in(user_client):
    overview = user_client.get("/account/").text
    assert 'href="/account/devices/"' in overview
    assert 'href="/account/two-factor/"' in overview
