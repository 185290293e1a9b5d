"""Helpers of the import tests: a CSV sent through the preview and its confirm as a person
would, a full export uploaded on the account page, and what the database then holds."""

import io
import json
import re
from datetime import date
from html import unescape

from sqlmodel import func, select

from tests.helpers import csrf_token, hidden_input, hidden_inputs, submit
from tracker.db import get_session
from tracker.models import Activity, HeldCredential, User
from tracker.reports.export import full_export

TODAY = date(2026, 11, 24)
HEADER = "Date completed,Kind,Title,Provider,Quantity\r\n"
JOB_HEADER = ("Date completed,Start date,Still employed,Kind,Title,Quantity,"
              "Full-time fraction\r\n")
# A file made before activities had kinds: a category of the credential, in its unit.
CATEGORY_HEADER = "Date completed,Category,Title,Provider,Quantity\r\n"


def course_rows(count: int, bad_row: int | None = None) -> str:
    """`count` training courses; spreadsheet row `bad_row` (header = row 1) has 2.3 hours."""
    lines = [HEADER]
    for index in range(count):
        quantity = "2.3" if index + 2 == bad_row else "1.5"
        lines.append(f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d},training,"
                     f"Course {index},Acme,{quantity}\r\n")
    return "".join(lines)


ADD_BUTTON = re.compile(r'<button type="submit">Add \d')


def offers_to_add(page) -> bool:
    """Whether the preview has a button that adds its rows."""
    return bool(ADD_BUTTON.search(page.text))


def chosen_values(html: str) -> dict[str, str]:
    """What a browser sends of a page's selects and ticked boxes, as they are shown."""
    values = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html,
                                 flags=re.S):
        options = re.findall(r"<option([^>]*)>", body)
        chosen = next((o for o in options if re.search(r"\bselected\b", o)), options[0])
        values[name] = unescape(re.search(r'value="([^"]*)"', chosen).group(1))
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="checkbox"' in tag and re.search(r"\bchecked\b", tag):
            values[re.search(r'name="([^"]+)"', tag).group(1)] = "y"
    return values


def match(client, credential_id: int, page, **changes):
    """Send the matching step as shown, with `changes` (a value of None unticks a box)."""
    data = {"csrf_token": csrf_token(page.text), "upload": hidden_input(page.text, "upload"),
            **chosen_values(page.text), "action": "preview", **changes}
    return client.post(f"/credentials/{credential_id}/import/match",
                       data={name: value for name, value in data.items() if value is not None})


def preview(client, credential_id: int, content, day_first: bool = False,
            filename: str = "activities.csv"):
    """Upload a file: the preview, or the matching step for a file of other columns."""
    data = content.encode() if isinstance(content, str) else content
    fields = {"file": (io.BytesIO(data), filename)}
    if day_first:
        fields["date_order"] = "day-first"
    url = f"/credentials/{credential_id}/import"
    return submit(client, f"{url}/preview", fields, form_page=url,
                  content_type="multipart/form-data")


def confirm(client, credential_id: int, preview_page, kinds: dict[int, str] | None = None,
            action: str | None = None):
    """Add the rows of a preview, with the kinds of `kinds` changed (by row number); with
    action "check", check them again instead."""
    token = hidden_inputs(preview_page.text).get("upload")
    assert token, "the preview offers no confirm button"
    data = {"csrf_token": csrf_token(preview_page.text), "upload": token}
    if kinds is not None:
        data |= {name: value for name, value in chosen_values(preview_page.text).items()
                 if name.startswith("kind-")}
        data |= {f"kind-{number}": kind for number, kind in kinds.items()}
    if action:
        data["action"] = action
    return client.post(f"/credentials/{credential_id}/import/confirm", data=data)


def import_file(client, credential_id: int, content, **kwargs):
    page = preview(client, credential_id, content, **kwargs)
    assert page.status_code == 200, page.text
    return confirm(client, credential_id, page)


def activity_count(app, credential_id: int | None = None) -> int:
    """Every activity stored, or those of the person who holds `credential_id`."""
    with app.app_context():
        query = select(func.count()).select_from(Activity)
        if credential_id is not None:
            query = query.where(Activity.user_id == _holder(credential_id))
        return get_session().exec(query).one()


def activities_of(app, credential_id: int) -> list[Activity]:
    """The activities of the person who holds `credential_id`, with their choices."""
    with app.app_context():
        activities = list(get_session().exec(
            select(Activity).where(Activity.user_id == _holder(credential_id))
            .order_by(Activity.id)
        ))
        for activity in activities:
            activity.choices  # loaded while the session is open  # noqa: B018
        return activities


def _holder(credential_id: int) -> int:
    return get_session().get(HeldCredential, credential_id).user_id


def upload_export(client, document):
    data = json.dumps(document).encode()
    return submit(client, "/account/import", {"file": (io.BytesIO(data), "export.json")},
                  content_type="multipart/form-data")


def add_credential(client, ruleset: str, certified_on: str = "2024-06-01", **fields) -> int:
    """Add a credential of `ruleset` (CLT: both its modules); returns its id."""
    if ruleset == "mssc-clt":
        fields = {"module_cla": "y", "module_clt": "y", **fields}
    response = submit(client, f"/credentials/new/{ruleset}",
                      {"certified_on": certified_on, **fields})
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def export_on(app, day: date, email: str = "sam@example.com") -> dict:
    """The person's full export, as downloaded on `day`."""
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        return full_export(session, user, day)
