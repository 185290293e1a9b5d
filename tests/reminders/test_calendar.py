"""The personal calendar feed: deadlines as all-day events at a secret, renewable address."""

import re
from datetime import date

import pytest
from icalendar import Calendar

from tests.helpers import AuthActions, add_cpt, log_activity, submit


@pytest.fixture
def cpt(app, user_client):
    """Pat's CPT, certified 2022-03-15: the cycle ends 2027-03-15."""
    app.config["TODAY"] = date(2026, 11, 24)
    credential_id = add_cpt(user_client)
    log_activity(user_client, credential_id, quantity="72")
    return credential_id


def feed_address(client) -> str:
    """The address shown on the account page, as a person would copy it."""
    page = client.get("/account/").text
    match = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', page)
    assert match, "the account page shows no calendar address"
    return match.group(1)


def events(response) -> dict:
    """{summary: start date} of the feed's events."""
    calendar = Calendar.from_ical(response.data)
    return {str(e["SUMMARY"]): e.decoded("DTSTART") for e in calendar.walk("VEVENT")}


def test_feed_holds_the_deadlines_as_all_day_events(app, user_client, cpt):
    address = feed_address(user_client)
    anonymous = app.test_client()  # calendar apps have no login
    response = anonymous.get(address)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert events(response) == {
        "180 days left on your CPT": date(2026, 9, 16),
        "CPT application window opens": date(2026, 12, 15),
        "90 days left on your CPT": date(2026, 12, 15),
        "30 days left on your CPT": date(2027, 2, 13),
        "CPT cycle ends: renew by this day": date(2027, 3, 15),
    }
    calendar = Calendar.from_ical(response.data)
    assert calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        # A date without a time is an all-day event.
        assert type(event.decoded("DTSTART")) is date
        assert event["DTSTAMP"]


def test_feed_reveals_nothing_else(app, user_client, cpt):
    body = app.test_client().get(feed_address(user_client)).text
    for private in ("pat@example.com", "Pat Doe", "72 points", "28 points", "Forklift"):
        assert private not in body


def test_event_ids_stay_the_same_between_polls(app, user_client, cpt):
    address = feed_address(user_client)

    def uids():
        calendar = Calendar.from_ical(app.test_client().get(address).data)
        return sorted(str(event["UID"]) for event in calendar.walk("VEVENT"))

    first = uids()
    assert len(set(first)) == 5
    assert uids() == first


def test_new_address_retires_the_old_one(app, user_client, cpt):
    old = feed_address(user_client)
    response = submit(user_client, "/account/calendar/new-address", {}, form_page="/account/",
                      follow_redirects=True)
    assert "The old address no longer works" in response.text
    new = feed_address(user_client)
    assert new != old
    anonymous = app.test_client()
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200


def test_new_address_needs_the_form(app, user_client, cpt):
    old = feed_address(user_client)
    user_client.post("/account/calendar/new-address")  # no CSRF token: refused
    assert feed_address(user_client) == old


def test_unknown_address_is_not_found(client):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_each_address_shows_only_its_owners_deadlines(app, client, user_client, cpt):
    pats = feed_address(user_client)
    AuthActions(client).logout()
    AuthActions(client).register(email="sam@example.com", name="Sam Lee")
    add_cpt(client, certified_on="2024-06-01")
    sams = feed_address(client)
    assert sams != pats
    assert events(app.test_client().get(sams))["CPT cycle ends: renew by this day"] == \
        date(2029, 6, 1)
    assert events(app.test_client().get(pats))["CPT cycle ends: renew by this day"] == \
        date(2027, 3, 15)


def test_module_certificates_have_no_deadlines(app, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    submit(user_client, "/credentials/new/mssc-cpt",
           {"certified_on": "2022-03-15", "module_safety": "y"})
    calendar = Calendar.from_ical(app.test_client().get(feed_address(user_client)).data)
    assert calendar.walk("VEVENT") == []
