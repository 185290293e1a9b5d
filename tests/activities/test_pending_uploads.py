"""Files kept while a form comes back: a form sent with an error, a warning or a failed save
lists the files it sent by name, and saving it later attaches them, so nobody chooses a file
twice. They last an hour and are the person's own."""

import io
import re
from datetime import timedelta

from sqlmodel import select

from tests.helpers import AuthActions, add_cpt, hidden_inputs_by_form, pdf_bytes, stored
from tracker.activities.validation import NO_TITLE
from tracker.db import get_session
from tracker.models import Activity, Evidence, utcnow
from tracker.proofs.models import PendingUpload

NEW = "/credentials/{}/activities/new"
FIELDS = {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
          "completed_on": "2024-05-01", "quantity": "8"}


def activity_form_inputs(html: str, action: str) -> dict:
    """The hidden inputs of the page's activity form as a browser sends them back: the CSRF
    token, the submission id, every kept file's id and the boxes read from a file."""
    [inputs] = [inputs for posts_to, inputs in hidden_inputs_by_form(html) if posts_to == action]
    return {**inputs, "pending_upload": kept_ids(html),
            "read_field": re.findall(r'name="read_field" value="(\w+)"', html)}


def kept_ids(html: str) -> list[str]:
    return re.findall(r'name="pending_upload" value="(\d+)"', html)


def send(client, url: str, page: str, fields: dict, files=()):
    """Send the form of `page` (as it came) with `fields` typed and `files` chosen."""
    data = {**activity_form_inputs(page, url), **fields,
            "evidence": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(url, data=data, content_type="multipart/form-data")


def open_form(client, url: str) -> str:
    return client.get(url).text


def names_kept(page: str) -> list[str]:
    return re.findall(r'name="remove_pending" value="\d+">\s*Remove ([^<]+?)</label>', page)


def attached(app) -> list[str]:
    return [evidence.filename for evidence in stored(app, Evidence)]


def test_a_form_with_an_error_keeps_its_file_until_it_is_saved(app, user_client, cpt):
    url = NEW.format(cpt)
    back = send(user_client, url, open_form(user_client, url), {**FIELDS, "title": ""},
                files=[("certificate.pdf", pdf_bytes())])
    assert back.status_code == 200
    assert NO_TITLE in back.text
    assert names_kept(back.text) == ["certificate.pdf"]
    assert "choose your files again" not in back.text.lower()
    assert [row.filename for row in stored(app, PendingUpload)] == ["certificate.pdf"]

    saved = send(user_client, url, back.text, FIELDS)  # the file is not chosen again
    assert saved.status_code == 302
    [activity] = stored(app, Activity)
    assert activity.title == "Forklift safety"
    assert attached(app) == ["certificate.pdf"]
    assert stored(app, Evidence)[0].data == pdf_bytes()
    assert stored(app, PendingUpload) == []
    assert "certificate.pdf" in user_client.get(saved.headers["Location"]).text


def test_save_anyway_after_a_warning_attaches_the_file_kept(app, user_client, cpt):
    url = NEW.format(cpt)
    warned = send(user_client, url, open_form(user_client, url), {**FIELDS, "quantity": "30"},
                  files=[("certificate.pdf", pdf_bytes())])
    assert "Check this before you save" in warned.text
    assert names_kept(warned.text) == ["certificate.pdf"]
    assert stored(app, Activity) == []
    seen = re.findall(r'name="seen_warning" value="([^"]*)"', warned.text)
    saved = send(user_client, url, warned.text,
                 {**FIELDS, "quantity": "30", "save_anyway": "yes", "seen_warning": seen})
    assert saved.status_code == 302
    assert attached(app) == ["certificate.pdf"]
    assert stored(app, PendingUpload) == []


def test_a_file_ticked_remove_is_deleted_and_not_attached(app, user_client, cpt):
    url = NEW.format(cpt)
    back = send(user_client, url, open_form(user_client, url), {**FIELDS, "title": ""},
                files=[("wrong.pdf", pdf_bytes()), ("right.pdf", pdf_bytes())])
    assert names_kept(back.text) == ["wrong.pdf", "right.pdf"]
    wrong, _right = kept_ids(back.text)

    still_wrong = send(user_client, url, back.text, {**FIELDS, "title": "",
                                                     "remove_pending": wrong})
    assert names_kept(still_wrong.text) == ["right.pdf"]
    assert [row.filename for row in stored(app, PendingUpload)] == ["right.pdf"]

    saved = send(user_client, url, still_wrong.text, FIELDS)
    assert saved.status_code == 302
    assert attached(app) == ["right.pdf"]
    assert stored(app, PendingUpload) == []


def test_remove_on_the_save_itself_attaches_the_others(app, user_client, cpt):
    url = NEW.format(cpt)
    back = send(user_client, url, open_form(user_client, url), {**FIELDS, "title": ""},
                files=[("wrong.pdf", pdf_bytes()), ("right.pdf", pdf_bytes())])
    wrong, _right = kept_ids(back.text)
    saved = send(user_client, url, back.text, {**FIELDS, "remove_pending": wrong})
    assert saved.status_code == 302
    assert attached(app) == ["right.pdf"]
    assert stored(app, PendingUpload) == []


def test_another_persons_file_and_an_expired_one_are_not_attached(app, client, user_client,
                                                                  cpt):
    """Neither is attached; the person is told a file they chose is gone rather than find
    the activity saved without it, and may then save without it."""
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam Roe")
    theirs = NEW.format(add_cpt(other))
    their_page = send(other, theirs, open_form(other, theirs), {**FIELDS, "title": ""},
                      files=[("sams.pdf", pdf_bytes())])
    [their_id] = kept_ids(their_page.text)

    url = NEW.format(cpt)
    mine = send(user_client, url, open_form(user_client, url), {**FIELDS, "title": ""},
                files=[("old.pdf", pdf_bytes())])
    [old_id] = kept_ids(mine.text)
    with app.app_context():
        session = get_session()
        old = session.get(PendingUpload, int(old_id))
        old.created_at = utcnow() - timedelta(hours=1, minutes=1)
        session.commit()

    page = send(user_client, url, mine.text, {**FIELDS, "title": "",
                                              "pending_upload": [old_id, their_id]})
    assert page.status_code == 200
    assert names_kept(page.text) == []
    assert "sams.pdf" not in page.text
    told = send(user_client, url, page.text, {**FIELDS, "pending_upload": [old_id, their_id]})
    assert told.status_code == 200
    assert ("2 files you chose before were kept for one hour only. Choose them again, or save "
            "without them.") in told.text
    assert stored(app, Activity) == []
    saved = send(user_client, url, told.text, FIELDS)
    assert saved.status_code == 302
    assert attached(app) == []
    # Sam's file is still Sam's, kept for Sam's form.
    assert sorted(row.filename for row in stored(app, PendingUpload)) == ["old.pdf", "sams.pdf"]


def test_expired_files_are_deleted_when_new_ones_are_kept(app, user_client, cpt):
    url = NEW.format(cpt)
    first = send(user_client, url, open_form(user_client, url), {**FIELDS, "title": ""},
                 files=[("old.pdf", pdf_bytes())])
    with app.app_context():
        session = get_session()
        for row in session.exec(select(PendingUpload)):
            row.created_at = utcnow() - timedelta(hours=2)
        session.commit()
    send(user_client, url, first.text, {**FIELDS, "title": ""}, files=[("new.pdf", pdf_bytes())])
    assert [row.filename for row in stored(app, PendingUpload)] == ["new.pdf"]


def test_the_limit_of_files_counts_those_kept(app, user_client, cpt):
    url = NEW.format(cpt)
    back = send(user_client, url, open_form(user_client, url), {**FIELDS, "title": ""},
                files=[(f"page{n}.pdf", pdf_bytes()) for n in range(3)])
    assert len(names_kept(back.text)) == 3

    too_many = send(user_client, url, back.text, FIELDS,
                    files=[(f"more{n}.pdf", pdf_bytes()) for n in range(3)])
    assert too_many.status_code == 200
    assert "An activity can have at most 5 files; it has 3 already." in too_many.text
    assert stored(app, Activity) == []
    assert len(names_kept(too_many.text)) == 3  # the three kept are still there

    saved = send(user_client, url, too_many.text, FIELDS,
                 files=[(f"more{n}.pdf", pdf_bytes()) for n in range(2)])
    assert saved.status_code == 302
    assert attached(app) == ["page0.pdf", "page1.pdf", "page2.pdf", "more0.pdf", "more1.pdf"]


def test_a_refused_file_is_not_kept_but_the_good_one_is(app, user_client, cpt):
    url = NEW.format(cpt)
    back = send(user_client, url, open_form(user_client, url), FIELDS,
                files=[("good.pdf", pdf_bytes()), ("notes.pdf", b"just some text")])
    assert "notes.pdf is not a PDF" in back.text
    assert names_kept(back.text) == ["good.pdf"]
    saved = send(user_client, url, back.text, FIELDS)
    assert saved.status_code == 302
    assert attached(app) == ["good.pdf"]


def test_the_edit_form_keeps_its_new_files_too(app, user_client, cpt):
    saved = send(user_client, NEW.format(cpt), open_form(user_client, NEW.format(cpt)), FIELDS,
                 files=[("first.pdf", pdf_bytes())])
    edit = f"{saved.headers['Location']}/edit"
    back = send(user_client, edit, open_form(user_client, edit), {**FIELDS, "title": ""},
                files=[("second.pdf", pdf_bytes())])
    assert back.status_code == 200
    assert names_kept(back.text) == ["second.pdf"]
    assert send(user_client, edit, back.text, FIELDS).status_code == 302
    assert attached(app) == ["first.pdf", "second.pdf"]
    assert stored(app, PendingUpload) == []
