"""Deleting moves an activity to the trash; it can come back for 30 days."""

from datetime import timedelta

from sqlmodel import select

from tests.helpers import log_activity, pdf_bytes, submit
from tracker.db import get_session
from tracker.models import Activity, Evidence, utcnow
from tracker.rules.checks import say_date


def activities(app) -> list[Activity]:
    with app.app_context():
        return list(get_session().exec(select(Activity).order_by(Activity.id)))


def trash(client, location: str):
    return submit(client, f"{location}/delete", {}, form_page=location)


def test_delete_moves_to_trash_and_stops_counting(app, user_client, cpt):
    location = log_activity(user_client, cpt, quantity="8",
                            files=[("c.pdf", pdf_bytes())]).headers["Location"]
    response = trash(user_client, location)
    assert response.headers["Location"] == "/"  # the home page: it may count toward several
    assert ("“Forklift safety” is in the trash. You can restore it for 30 days: "
            '<a href="/trash/">open the trash</a>.') in user_client.get(
        response.headers["Location"]).text
    assert "0 points (100 needed)" in user_client.get(f"/credentials/{cpt}").text
    assert user_client.get(location).status_code == 404
    [activity] = activities(app)
    assert activity.deleted_at is not None
    page = user_client.get("/trash/").text
    assert "Forklift safety" in page
    assert "<td>Training course or workshop</td>" in page  # its kind: it was no credential's
    assert say_date((activity.deleted_at + timedelta(days=30)).date()) in page


def test_the_trash_message_shows_the_title_as_text(app, user_client, cpt):
    location = log_activity(user_client, cpt, title="<b>Bold</b> & co").headers["Location"]
    response = trash(user_client, location)
    page = user_client.get(response.headers["Location"]).text
    assert "“&lt;b&gt;Bold&lt;/b&gt; &amp; co” is in the trash." in page


def test_restore_brings_it_back_with_its_files(app, user_client, cpt):
    location = log_activity(user_client, cpt, quantity="8",
                            files=[("c.pdf", pdf_bytes())]).headers["Location"]
    trash(user_client, location)
    [activity] = activities(app)
    response = submit(user_client, f"/trash/{activity.id}/restore", {}, form_page="/trash/")
    assert response.headers["Location"] == location
    page = user_client.get(location).text
    assert "is back and counts again" in page
    assert "c.pdf" in page
    assert "8 points (100 needed)" in user_client.get(f"/credentials/{cpt}").text


def test_empty_trash_asks_first_then_deletes_for_good(app, user_client, cpt):
    keep = log_activity(user_client, cpt, title="Keep me").headers["Location"]
    gone = log_activity(user_client, cpt, title="Bin me",
                        files=[("c.pdf", pdf_bytes())]).headers["Location"]
    trash(user_client, gone)
    confirm = user_client.get("/trash/empty")
    assert "1 activity and its files will be deleted for good." in confirm.text
    assert len(activities(app)) == 2
    response = submit(user_client, "/trash/empty", {})
    assert response.status_code == 302
    assert "1 activity was deleted for good" in user_client.get("/trash/").text
    assert [a.title for a in activities(app)] == ["Keep me"]
    with app.app_context():
        assert get_session().exec(select(Evidence)).all() == []
    assert user_client.get(keep).status_code == 200


def test_purge_trash_removes_only_what_is_older_than_30_days(app, user_client, cpt, runner):
    old = log_activity(user_client, cpt, title="Old").headers["Location"]
    recent = log_activity(user_client, cpt, title="Recent").headers["Location"]
    log_activity(user_client, cpt, title="Live")
    trash(user_client, old)
    trash(user_client, recent)
    with app.app_context():
        session = get_session()
        stale = session.exec(select(Activity).where(Activity.title == "Old")).one()
        stale.deleted_at = utcnow() - timedelta(days=31)
        session.commit()
    result = runner.invoke(args=["purge-trash"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 activity for good." in result.output
    assert sorted(a.title for a in activities(app)) == ["Live", "Recent"]
