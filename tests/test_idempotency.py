"""A web form sent twice (a double click, a retry after an error) saves once: each form shown
carries a one-time submission id."""

import io
import threading
from datetime import date, timedelta

from sqlmodel import select

from tests.helpers import add_cpt, hidden_inputs, image_bytes, stored
from tracker.db import get_session
from tracker.models import Activity, Cycle, Evidence, HeldCredential, SavedRequest, utcnow

COURSE = {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
          "completed_on": "2024-05-01", "quantity": "8"}
TWICE = "This was already saved. We did not save it again."


def filled(client, url: str, **fields) -> dict:
    """The form at `url` as a browser sends it: its hidden fields, and `fields`."""
    return {**hidden_inputs(client.get(url).text), **fields}


def test_a_new_activity_sent_twice_is_saved_once(app, user_client, cpt):
    url = f"/credentials/{cpt}/activities/new"
    form = filled(user_client, url, **COURSE)
    assert form["submission_id"]
    first = user_client.post(url, data=form)
    again = user_client.post(url, data=form)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert TWICE in user_client.get(again.headers["Location"]).text
    assert len(stored(app, Activity)) == 1


def test_files_sent_twice_are_attached_once(app, user_client, cpt):
    url = f"/credentials/{cpt}/activities/new"
    form = filled(user_client, url, **COURSE)
    png = image_bytes("png")
    for _ in range(2):
        user_client.post(url, data={**form, "evidence": [(io.BytesIO(png), "card.png")]},
                         content_type="multipart/form-data")
    assert len(stored(app, Activity)) == len(stored(app, Evidence)) == 1


def test_the_same_page_sent_with_other_content_is_another_save(app, user_client, cpt):
    """Back to the form after saving, the person changes the title and saves again: that is
    a second activity, as they meant."""
    url = f"/credentials/{cpt}/activities/new"
    form = filled(user_client, url, **COURSE)
    user_client.post(url, data=form)
    user_client.post(url, data={**form, "title": "Lockout tagout"})
    assert [a.title for a in stored(app, Activity)] == ["Forklift safety", "Lockout tagout"]


def test_a_form_with_a_mistake_then_corrected_saves(app, user_client, cpt):
    url = f"/credentials/{cpt}/activities/new"
    form = filled(user_client, url, **COURSE)
    assert user_client.post(url, data={**form, "quantity": "-1"}).status_code == 200
    assert user_client.post(url, data=form).status_code == 302
    assert len(stored(app, Activity)) == 1


def test_an_edit_sent_twice_is_not_a_change_made_meanwhile(app, user_client, cpt):
    """Without the id, the second send found the version it started from gone and said
    "changed meanwhile"."""
    user_client.post(f"/credentials/{cpt}/activities/new",
                     data=filled(user_client, f"/credentials/{cpt}/activities/new", **COURSE))
    [activity] = stored(app, Activity)
    url = f"/activities/{activity.id}/edit"
    form = filled(user_client, url, **{**COURSE, "title": "Forklift safety, part 2"})
    answers = [user_client.post(url, data=form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert [a.title for a in stored(app, Activity)] == ["Forklift safety, part 2"]
    assert stored(app, Activity)[0].version == activity.version + 1


def test_an_old_edit_sent_again_after_another_save_is_refused_not_hidden(app, user_client, cpt):
    """Back on a form saved earlier, the person sends it again after a change made in
    another tab: they see both versions, not "already saved"."""
    new = f"/credentials/{cpt}/activities/new"
    user_client.post(new, data=filled(user_client, new, **COURSE))
    [activity] = stored(app, Activity)
    url = f"/activities/{activity.id}/edit"
    first_tab = filled(user_client, url, **{**COURSE, "title": "A"})
    second_tab = filled(user_client, url, **{**COURSE, "title": "B"})
    assert user_client.post(url, data=first_tab).status_code == 302
    assert user_client.post(url, data={**second_tab, "version": first_tab["version"]}
                            ).status_code == 409  # B was typed before A was saved
    user_client.post(url, data={**second_tab, "version": str(activity.version + 1)})
    again = user_client.post(url, data=first_tab)
    assert again.status_code == 409 and "changed meanwhile" in again.text
    assert [a.title for a in stored(app, Activity)] == ["B"]


def test_a_credential_sent_twice_is_added_once(app, user_client):
    url = "/credentials/new/pmi-pmp"
    form = filled(user_client, url, certified_on="2024-01-10")
    answers = [user_client.post(url, data=form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert "You already hold" not in user_client.get(answers[1].headers["Location"]).text
    assert len(stored(app, HeldCredential)) == 1


def test_a_renewal_sent_twice_opens_one_new_cycle(app, user_client):
    app.config["TODAY"] = date(2027, 1, 10)
    credential = add_cpt(user_client, certified_on="2022-03-15")
    url = f"/credentials/{credential}/renewal"
    form = filled(user_client, url, day="2027-01-05")
    answers = [user_client.post(url, data=form) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert len(stored(app, Cycle)) == 2


def test_a_double_click_sent_at_once_saves_once(app, user_client, cpt):
    """Two sends in flight together: the second waits for the first, then follows it."""
    url = f"/credentials/{cpt}/activities/new"
    form = filled(user_client, url, **COURSE)
    cookie = user_client.get_cookie("session")
    answers = []

    def send():
        browser = app.test_client()
        browser.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        answers.append(browser.post(url, data=form))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [302] * 3
    assert len({a.headers["Location"] for a in answers}) == 1
    assert len(stored(app, Activity)) == 1


def test_the_daily_purge_forgets_requests_older_than_a_day(app, user_client, cpt, runner):
    url = f"/credentials/{cpt}/activities/new"
    for title in ("Old", "Recent"):
        user_client.post(url, data=filled(user_client, url, **{**COURSE, "title": title}))
    with app.app_context():
        session = get_session()
        old = session.exec(select(SavedRequest)).first()
        old.created_at = utcnow() - timedelta(hours=25)
        session.commit()
    result = runner.invoke(args=["purge-trash"])
    assert "Forgot 1 request kept for retries." in result.output
    assert len(stored(app, SavedRequest)) == 1
