"""Reminder banners on the home page at the rule set's thresholds, hidden one at a time."""

import re
from datetime import date

import pytest
from sqlmodel import select

from tests.helpers import add_cpt, log_activity, submit
from tracker.db import get_session
from tracker.models import ReminderNotice


def banners(client) -> list[str]:
    page = client.get("/").text
    return [chunk.split("</p>")[0] for chunk in page.split('<div class="banner" role="status">\n'
                                                           '      <p>')[1:]]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 1, 1), []),  # early in the cycle and on pace: nothing to say
        (date(2026, 9, 16), ["180 days left on your CPT"]),
        (date(2026, 12, 15), ["90 days left", "Your application window for CPT is open"]),
        (date(2027, 2, 13), ["30 days left", "Your application window for CPT is open"]),
    ],
)
def test_banners_appear_at_each_threshold(app, user_client, today, expected):
    app.config["TODAY"] = date(2023, 1, 1)
    cpt = add_cpt(user_client, "2022-03-15")
    log_activity(user_client, cpt, completed_on="2022-12-01", quantity="40")
    app.config["TODAY"] = today
    shown = banners(user_client)
    assert len(shown) == len(expected), shown
    for text, start in zip(shown, expected, strict=True):
        assert text.startswith(start), shown


def test_behind_pace_has_its_own_banner(app, user_client):
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(user_client, "2024-02-29")
    assert banners(user_client) == []  # nothing logged yet: the card says where to start
    log_activity(user_client, cpt, completed_on="2024-05-01", quantity="8")
    [text] = banners(user_client)
    assert text.startswith("You are behind pace on your CPT: you have 8 points, and by now you "
                           "should have about 54.7.")


def test_a_complete_credential_only_hears_about_the_window(app, user_client):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = add_cpt(user_client, "2022-03-15")
    for day in range(1, 6):  # 5 courses of 20 hours: 100 points
        log_activity(user_client, cpt, title=f"Course {day}", completed_on=f"2023-01-0{day}",
                     quantity="20")
    assert banners(user_client) == [
        "Your application window for CPT is open: apply to MSSC by Mar 15, 2027."]


def test_hiding_a_banner_keeps_it_hidden_and_leaves_the_others(app, user_client):
    app.config["TODAY"] = date(2027, 2, 13)
    add_cpt(user_client, "2022-03-15")
    page = user_client.get("/").text
    [dismiss_url] = re.findall(r'action="(/cycles/\d+/reminders/days-30/dismiss)"', page)
    response = submit(user_client, dismiss_url, {}, form_page="/")
    assert response.status_code == 302
    shown = banners(user_client)
    assert [text[:39] for text in shown] == ["Your application window for CPT is open"]
    submit(user_client, dismiss_url, {}, form_page="/")
    with app.app_context():
        notices = get_session().exec(select(ReminderNotice)).all()
    assert [(n.code, n.kind) for n in notices] == [("days-30", "dismissed")]


def test_an_unknown_reminder_cannot_be_dismissed(app, user_client):
    app.config["TODAY"] = date(2027, 2, 13)
    add_cpt(user_client, "2022-03-15")
    [window_url] = re.findall(r'action="(/cycles/\d+/reminders/window-open/dismiss)"',
                              user_client.get("/").text)
    response = submit(user_client, window_url.replace("window-open", "anything"), {},
                      form_page="/")
    assert response.status_code == 404
