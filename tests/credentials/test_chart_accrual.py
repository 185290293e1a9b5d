"""The credential page's chart: a job held since 2021 adds its points month by month (spec
version 2), not as one jump on today's date."""

import re
from datetime import date

from tests.examples import job
from tests.helpers import AuthActions, add_cpt, facts, log_activity


def chart_of(page: str) -> tuple[str, dict[str, str]]:
    """(the counted line's path, the chart table's rows: month -> points)."""
    path = re.search(r'<path class="counted" d="([^"]+)"', page).group(1)
    table = page[page.index("The chart as a table"):]
    rows = dict(re.findall(r'<tr><td>([^<]+)</td><td class="num">([^<]+)</td></tr>', table))
    return path, rows


def test_a_job_held_since_2021_climbs_a_point_a_month(app, client):
    AuthActions(client).register()
    app.config["TODAY"] = date(2026, 6, 1)
    cpt = add_cpt(client, "2021-09-01")
    assert job(client, cpt, "Assembler", "2021-09-01").status_code == 302  # still employed
    log_activity(client, cpt, title="Hydraulics", completed_on="2022-02-01", quantity="24")

    page = client.get(f"/credentials/{cpt}").text
    assert facts(page)["Counted"].startswith("74")  # 50 from the job (its cap) and 24
    path, rows = chart_of(page)
    # One step up for each of the job's 50 counted months (Sep 2021 to Oct 2025), and one
    # for the course.
    assert len(re.findall(r"V", path)) == 51
    assert rows["September 2021"] == "1"
    assert rows["October 2021"] == "2"
    assert rows["January 2022"] == "5"
    assert rows["February 2022"] == "30"  # the course on Feb 1 and the month ending Feb 28
    assert rows["October 2025"] == "74"
    assert "November 2025" not in rows  # the cap of 50 is reached: nothing more comes
    assert "June 2026 (so far)" not in rows  # no jump on today's date
    # The line leaves the start at once: its first step is at the end of September 2021,
    # about 1/60 of the way along, not at today.
    first_step = float(re.search(r"H([\d.]+)", path).group(1))
    start = float(re.search(r"M([\d.]+)", path).group(1))
    assert first_step - start < 15


def test_the_reached_day_counts_the_jobs_months(app, client):
    """Docs/rules.md example A: reached on 2025-04-02, the volunteering day."""
    AuthActions(client).register()
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(client, "2022-03-15")
    for title, category, day, quantity in [
        ("Safety course", "CE-TRAINING", "2022-06-01", "10"),
        ("Statistics", "CE-CREDIT", "2023-05-20", "3"),
        ("Forklift certification", "IC", "2024-09-10", "1"),
        ("Robotics coaching", "X", "2025-04-02", "30"),
    ]:
        log_activity(client, cpt, title=title, category=category, completed_on=day,
                     quantity=quantity, save_anyway="y")  # 30 hours on a day is warned about
    job(client, cpt, "Line operator", "2022-03-15", "2026-03-14")
    page = client.get(f"/credentials/{cpt}").text
    _path, rows = chart_of(page)
    assert rows["March 2025"] == "96"  # 60 from the courses and 36 months of the job
    assert rows["April 2025"] == "117"  # 20 of the 30 hours (cap) on Apr 2, month 37
    assert rows["March 2026"] == "128"
    assert facts(page)["Reached 100 on"] == "Apr 2, 2025"  # not the job's end, Mar 14, 2026
