"""Times of changes read in the person's own time zone, which their browser tells at login."""

import re

from tests.helpers import PASSWORD, add_cpt, log_activity, submit

# "Dec 6, 2026, 4:30 PM CST"
MOMENT = r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M "


def history_times(client, activity_url: str) -> list[str]:
    return re.findall(MOMENT + r"[A-Z+\-0-9]+", client.get(activity_url).text)


def logged_one(client) -> str:
    cpt = add_cpt(client)
    response = log_activity(client, cpt, category="CE-TRAINING", quantity="8")
    return response.headers["Location"]


def test_times_read_utc_until_the_browser_says_its_zone(user_client):
    times = history_times(user_client, logged_one(user_client))
    assert times
    assert all(time.endswith(" UTC") for time in times)
    assert "UTC (not set yet)" in user_client.get("/account/").text


def test_the_zone_given_at_login_is_remembered_and_used(user_client, auth):
    activity = logged_one(user_client)
    auth.logout()
    response = submit(user_client, "/auth/login", {
        "email": "pat@example.com", "password": PASSWORD, "time_zone": "America/Chicago"})
    assert response.status_code == 302
    times = history_times(user_client, activity)
    assert times
    assert all(time.endswith((" CST", " CDT")) for time in times)
    assert "America/Chicago" in user_client.get("/account/").text


def test_a_zone_nobody_knows_changes_nothing(user_client, auth):
    activity = logged_one(user_client)
    auth.logout()
    submit(user_client, "/auth/login", {
        "email": "pat@example.com", "password": PASSWORD, "time_zone": "Mars/Olympus_Mons"})
    assert all(time.endswith(" UTC") for time in history_times(user_client, activity))
    response = submit(user_client, "/account/time-zone", {"time_zone": "x" * 5000},
                      form_page="/account/", follow_redirects=True)
    assert "did not say its time zone, so nothing changed" in response.text
    assert "UTC (not set yet)" in response.text


def test_a_zone_that_is_no_place_is_refused(user_client):
    for name in ("Factory", "localtime", "Etc/GMT+5"):
        response = submit(user_client, "/account/time-zone", {"time_zone": name},
                          form_page="/account/", follow_redirects=True)
        assert "did not say its time zone, so nothing changed" in response.text


def test_the_account_page_takes_this_devices_zone(user_client):
    activity = logged_one(user_client)
    response = submit(user_client, "/account/time-zone", {"time_zone": "Asia/Tokyo"},
                      form_page="/account/", follow_redirects=True)
    assert "Times now show in the time zone of this device (Asia/Tokyo)." in response.text
    assert all(time.endswith(" JST") for time in history_times(user_client, activity))
