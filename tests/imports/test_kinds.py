"""A CSV's rows are activities of the person: each names its kind (Kind) with its amount in the
kind's unit, and counts toward every credential that takes that kind. Files made before kinds
name a category of the credential (Category), in that category's unit, and still import."""

import html

import pytest

from tests.helpers import TODAY, add_cpt, facts, log_activity
from tests.imports.helpers import (
    CATEGORY_HEADER,
    HEADER,
    activities_of,
    activity_count,
    add_credential,
    chosen_values,
    import_file,
    match,
    preview,
)
from tracker.imports import parsing
from tracker.imports.rows import Reading, read_row
from tracker.imports.template import template_csv
from tracker.rules.catalog import load_catalog


def counted(client, credential_id: int) -> str:
    return facts(client.get(f"/credentials/{credential_id}").text)["Counted"]


def test_the_page_lists_the_kinds_the_credential_counts_with_their_units(app, user_client,
                                                                         cpt):
    page = user_client.get(f"/credentials/{cpt}/import").text
    assert ("<li><code>college-credit</code>: College course for credit, in semester credit "
            "hours</li>") in page
    assert "<code>job</code>" in page and "<code>reading</code>" not in page  # CPT: no books


def test_a_course_imported_on_cpts_page_counts_toward_clt_as_well(app, user_client, cpt):
    clt = add_credential(user_client, "mssc-clt", "2022-06-01")
    page = preview(user_client, cpt, HEADER + "2024-05-01,Training course or workshop,"
                   "Forklift safety,Acme,8\r\n")
    # A kind by its name works: the row's kind select shows it.
    assert chosen_values(page.text)["kind-2"] == "training"
    response = import_file(user_client, cpt, HEADER + "2024-05-01,training,Forklift safety,"
                           "Acme,8\r\n")
    assert response.status_code == 302
    assert counted(user_client, cpt) == counted(user_client, clt) == "8 points"
    assert activity_count(app) == 1  # one record, counted twice
    again = preview(user_client, clt, HEADER + "2024-05-01,training,Forklift safety,Acme,8\r\n")
    assert "Already logged." in again.text  # whichever credential's page it comes through


def test_a_row_logged_through_the_form_is_already_logged(app, user_client, cpt):
    log_activity(user_client, cpt, kind="training", title="Welding", completed_on="2024-05-01",
                 quantity="7.5")
    page = preview(user_client, cpt, HEADER + "2024-05-01,training,Welding,Acme,7.5\r\n"
                   "2024-05-01,conference,Welding,Acme,7.5\r\n")
    assert "1 already logged" in page.text and "1 to add" in page.text  # another kind is new


def test_a_file_made_before_kinds_imports_by_its_categories(app, user_client, cpt):
    content = (CATEGORY_HEADER + "2024-05-01,CE-CREDIT,Statistics,College,3\r\n"
               "2024-06-01,Training course,Forklift safety,Acme,8\r\n")
    page = preview(user_client, cpt, content)
    assert "2 to add" in page.text and "0 problems" in page.text
    import_file(user_client, cpt, content)
    assert [(a.kind, str(a.quantity), a.choices) for a in activities_of(app, cpt)] == [
        ("college-credit", "3.00", []), ("training", "8.00", [])]
    assert counted(user_client, cpt) == "38 points"  # 3 credit hours at 10, and 8 hours
    assert "Already logged." in preview(user_client, cpt, content).text


def test_a_category_in_another_unit_converts_and_is_chosen_there_only(app, user_client):
    cct = add_credential(user_client, "asq-cct", "2025-01-15")
    cpt = add_cpt(user_client)
    # CCT's course category in CEUs: 1.5 CEUs are 15 hours of training, counted as CEUs.
    content = CATEGORY_HEADER + "2025-03-01,COURSE-CEU,Gauge calibration,ASQ,1.5\r\n"
    page = preview(user_client, cct, content)
    assert "<td>15 hours</td><td>Course or training, in CEUs</td>" in page.text
    import_file(user_client, cct, content)
    [activity] = activities_of(app, cct)
    assert (activity.kind, str(activity.quantity)) == ("training", "15.00")
    assert [(c.held_credential_id, c.category) for c in activity.choices] == [
        (cct, "COURSE-CEU")]
    assert counted(user_client, cct) == "1.5 RUs"
    assert counted(user_client, cpt) == "15 points"  # where training fits for CPT


def test_a_category_with_a_kind_chooses_where_it_counts(app, user_client):
    cct = add_credential(user_client, "asq-cct", "2025-01-15")
    header = "Date completed,Kind,Category,Title,Provider,Quantity\r\n"
    import_file(user_client, cct, header + "2025-03-01,training,COURSE-CEU,Gauges,ASQ,10\r\n"
                "2025-03-02,training,,Meters,ASQ,10\r\n")
    assert counted(user_client, cct) == "2 RUs"  # 1 CEU, and 10 hours at 0.1
    refused = preview(user_client, cct, header + "2025-04-01,training,MEETING,Gauges,ASQ,2\r\n")
    assert ("Row 2, Category: CCT does not count “Training course or workshop” as "
            "“Meeting, workshop or clinic”") in html.unescape(refused.text)


def test_a_row_without_a_kind_or_with_an_unknown_one_is_named(app, user_client, cpt):
    page = html.unescape(preview(user_client, cpt, HEADER + "2024-05-01,,Welding,Acme,8\r\n"
                                 "2024-05-01,juggling,Welding,Acme,8\r\n").text)
    assert "Row 2, Kind: Choose what kind of activity this is: training (Training course" in page
    assert "Row 3, Kind: “juggling” is not a kind of activity Recert knows." in page
    old = html.unescape(preview(user_client, cpt, CATEGORY_HEADER
                                + "2024-05-01,NOPE,Welding,Acme,8\r\n").text)
    assert "Row 2, Category: “NOPE” is not a CPT category." in old
    asked = match(user_client, cpt, preview(user_client, cpt, "Date completed,Title\r\n"
                                            "2024-01-01,X\r\n"))
    assert "Choose the column with the hours" in asked.text
    assert "Choose the kind of the rows, or a column that says it." in asked.text


@pytest.mark.parametrize("ruleset", load_catalog().all_current(), ids=lambda r: r.code)
def test_every_credentials_template_reads_without_a_problem(ruleset):
    raws = parsing.read_rows(template_csv(ruleset).encode())
    reading = Reading(1, ruleset, [(1, ruleset)], TODAY, day_first=False)
    rows = [read_row(raw, reading) for raw in raws]
    assert [row.problems for row in rows] == [[] for _ in rows]
    assert all(row.landing is not None for row in rows)  # each counts toward it
    assert {row.kind.is_period for row in rows} == (
        {False, True} if "job" in ruleset.counted_kinds else {False})
