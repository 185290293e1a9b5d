"""The dashboard shows the engine's figures: docs/rules.md's worked examples, entered
through the app."""

import re
from datetime import date

import pytest

from tests.examples import example_a, example_b, job
from tests.helpers import (
    AuthActions,
    add_cpt,
    category_rows,
    counted_statements,
    facts,
    insert_activities,
    log_activity,
    submit,
)


def list_rows(client, credential_id: int) -> dict[str, tuple[str, str, str]]:
    """Activity title -> (earned, counted, flags) from the activity list."""
    html = client.get(f"/credentials/{credential_id}/activities?sort=oldest").text
    rows = re.findall(
        r'<a href="/activities/\d+">([^<]+)</a>.*?<td class="num">([^<]+)</td>\s*'
        r'<td class="num">([^<]+)</td>\s*<td>(.*?)</td>', html, flags=re.S)
    return {title: (earned, counted, " ".join(re.findall(r'flag-(\w+)"', flags)))
            for title, earned, counted, flags in rows}


@pytest.fixture
def person(app, client):
    AuthActions(client).register()
    return client


def test_example_a_complete(app, person):
    cpt = example_a(app, person)
    page = person.get(f"/credentials/{cpt}").text
    shown = facts(page)
    assert "128 points (100 needed)" in page
    assert "Complete" in page
    assert shown["Counted"] == "128 points"
    assert shown["Still to go"] == "0 points"
    assert shown["Days left"] == "111"
    assert shown["Cycle ends"] == "Mar 15, 2027"
    assert shown["You can apply from"] == "Dec 15, 2026"
    assert shown["Reached 100 on"] == "Apr 2, 2025"  # the job accrues monthly
    assert "You can apply to MSSC from Dec 15, 2026." in page
    categories = category_rows(page)
    assert categories["Training course"] == ("10", "10")
    assert categories["College course for credit"] == ("30", "30")
    assert categories["Industry certification earned"] == ("20", "20")
    assert categories["Volunteering, teaching or association work"] == ("30", "20")
    assert categories["Work in a manufacturing-related job"] == ("48", "48")
    assert "30 earned, 20 count. More of it will not help" in page
    rows = list_rows(person, cpt)
    assert rows["Before the cycle"] == ("8", "0", "outside_cycle")
    assert rows["Robotics coaching"][:2] == ("30", "20")
    assert "over_cap" in rows["Robotics coaching"][2]
    assert rows["Line operator"][:2] == ("48", "48")


def test_example_b_behind(app, person):
    cpt = example_b(app, person)
    page = person.get(f"/credentials/{cpt}").text
    shown = facts(page)
    assert "Behind" in page
    assert shown["Counted"] == "38 points"
    assert shown["Still to go"] == "62 points"
    assert shown["You should have by today"] == "54.7 points"
    assert shown["Needed per month"] == "2.3 points"
    assert shown["Days left"] == "827"
    assert shown["Cycle ends"] == "Feb 28, 2029"
    assert shown["You can apply from"] == "Nov 30, 2028"
    assert shown["Expected finish"] == "May 12, 2031"
    assert "you reach 100 points on May 12, 2031, about 26 months after the deadline." in page
    assert "Log 62 more points by Feb 28, 2029; about 2.3 a month." in page
    assert category_rows(page)["Volunteering, teaching or association work"] == ("25", "20")


def test_example_b_chart(app, person):
    cpt = example_b(app, person)
    page = person.get(f"/credentials/{cpt}").text
    svg = page[page.index("<svg class=\"chart\""):page.index("</svg>")]
    pace = re.search(r'<line class="pace"[^>]*>', svg, flags=re.S).group(0)
    assert 'data-end-date="2029-02-28"' in pace
    assert 'data-end-points="100"' in pace
    today = re.search(r'<circle class="today-point"[^>]*>', svg, flags=re.S).group(0)
    assert 'data-date="2026-11-24"' in today
    assert 'data-points="38"' in today
    assert "<title id=\"chart-title\">Points counted over your cycle</title>" in svg
    assert "38 points (100 needed) on Nov 24, 2026" in svg
    assert 'class="projection"' in svg
    # The same data as a table for screen readers, a row a month.
    assert "<td>August 2025</td><td class=\"num\">38</td>" in page


def test_example_c_at_risk(app, person):
    app.config["TODAY"] = date(2026, 6, 1)
    cpt = add_cpt(person, "2021-09-01")
    log_activity(person, cpt, title="Hydraulics", completed_on="2022-02-01", quantity="24")
    job(person, cpt, "Assembler", "2021-09-01", "2025-06-30")
    log_activity(person, cpt, category="IC", title="Welding cert", completed_on="2026-07-15",
                 quantity="1")
    page = person.get(f"/credentials/{cpt}").text
    shown = facts(page)
    assert "At risk" in page
    assert shown["Counted"] == "70 points"
    assert shown["Days left"] == "92"
    assert shown["Still to go"] == "30 points"
    assert shown["Needed per month"] == "9.9 points"
    assert shown["Expected finish"] == "Jun 14, 2028"
    assert shown["You can apply from"] == "Jun 3, 2026"
    assert shown["Waiting to count"] == "20 points from activities dated after today"
    assert "after the deadline" in page
    rows = list_rows(person, cpt)
    assert rows["Welding cert"] == ("20", "0", "future")
    assert rows["Assembler"][:2] == ("46", "46")


def test_example_d_caps_and_periods(app, person):
    app.config["TODAY"] = date(2025, 1, 10)
    cpt = add_cpt(person, "2023-01-10")
    for title, day in [("Cert one", "2023-05-01"), ("Cert two", "2023-09-01"),
                       ("Cert three", "2024-02-01")]:
        log_activity(person, cpt, category="IC", title=title, completed_on=day, quantity="1")
    refused = job(person, cpt, "Future end", "2023-01-10", "2027-01-09")
    assert refused.status_code == 200
    assert "choose “still employed”" in refused.text
    job(person, cpt, "Current job", "2023-01-10")
    job(person, cpt, "Old job", "2018-01-01", "2024-12-31", fraction="0.5")
    page = person.get(f"/credentials/{cpt}").text
    shown = facts(page)
    assert shown["Counted"] == "75.5 points"
    assert shown["You should have by today"] == "40 points"
    assert category_rows(page)["Industry certification earned"] == ("60", "40")
    rows = list_rows(person, cpt)
    assert [rows[t][1] for t in ("Cert one", "Cert two", "Cert three")] == ["20", "20", "0"]
    assert rows["Current job"][:2] == ("24", "24")
    assert rows["Old job"][1] == "11.5"


def test_home_orders_cards_by_urgency_and_says_what_to_do(app, person):
    app.config["TODAY"] = date(2026, 11, 24)
    add_cpt(person, "2022-03-15")  # at risk: 111 days left
    pmp = submit(person, "/credentials/new/pmi-pmp", {"certified_on": "2025-06-01"})  # behind
    person.get(pmp.headers["Location"])  # read the "is added" message
    page = person.get("/").text
    assert page.index("MSSC Certified Production Technician") < page.index(
        "Project Management Professional")
    assert "0 points (100 needed)</strong>" in page
    assert "111 days left, until Mar 15, 2027" in page
    # Nothing logged yet: at risk is said; with time to spare, where to start.
    assert "<strong>At risk</strong>" in page
    assert "Start by logging what you have done since Mar 15, 2022." not in page
    assert "Start by logging what you have done since Jun 1, 2025." in page
    assert '<progress value="0" max="100"' in page


@pytest.mark.parametrize("path", ["/", "/credentials/{cpt}"])
def test_home_and_dashboard_take_the_same_few_statements_whatever_the_size(app, person, path):
    # The application window is open: the steps to renew show at every size (on the
    # credential's page they read which credentials the person holds).
    app.config["TODAY"] = date(2026, 12, 20)
    # No ledger kept between views: each one reads everything (adding the credential shows
    # what it counts, so its empty ledger would otherwise be in the cache already).
    app.config["LEDGER_CACHE_BYTES"] = 0
    cpt = add_cpt(person, "2022-03-15")
    url = path.format(cpt=cpt)
    counts, present = [], 0
    for total in (0, 10, 5000):
        insert_activities(app, cpt, total - present)
        present = total
        with counted_statements(app) as statements:
            assert person.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts
    # One more than before activities belonged to the person: the ledger also reads the
    # person's choices of where each activity counts.
    assert counts[0] <= 7, counts


def test_skill_coverage_shows_the_blueprint_covered_and_what_is_not(app, person):
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(person, "2022-03-15")
    log_activity(person, cpt, title="PM class", completed_on="2023-02-01", quantity="8",
                 tags=["maintenance.preventive", "maintenance.housekeeping",
                       "maintenance.monitor-indicators"])
    page = person.get(f"/credentials/{cpt}").text
    skills = page[page.index('<section aria-labelledby="skills-heading">'):]
    assert ("This table is for your own learning. You do not need it to renew."
            in skills[:skills.index("</section>")])
    maintenance = page[page.index("<td>Maintenance Awareness</td>"):]
    maintenance = maintenance[:maintenance.index("</tr>")]
    cells = re.findall(r'<td class="num">([^<]+)</td>', maintenance)
    assert cells == ["8", "1"]  # points, activities
    assert "<strong>65%</strong>" in maintenance
    assert "Recognize potential maintenance issues with basic production systems, 35%" in (
        maintenance)
    assert "Not yet covered (1)" in maintenance
