"""The "How points work" page of each rule set, and the estimate marks beside the numbers an
estimate of Recert's decides (the credential's category table, the activity's page)."""

import html
import re

import pytest

from tests.helpers import assert_sound_page, category_rows, log_activity, submit
from tracker.rules import load_catalog

CATALOG = load_catalog()
CPT = CATALOG.get("mssc-cpt")
TRAINING_SENTENCE = ("MSSC has not published how many points this is worth; Recert uses 1 point "
                     "per contact hour. Check with MSSC before you apply.")


def figure_marks(page: str) -> dict[str, str]:
    """What the page says beside each figure, by the figure's path: "estimate", "source 1, 3"."""
    marks = re.findall(r'<small data-figure="([^"]+)">\((.*?)\)</small>', page, flags=re.S)
    return {path: re.sub(r"<[^>]+>", "", said) for path, said in marks}


@pytest.mark.parametrize("code", CATALOG.codes())
def test_every_rule_set_has_a_public_page_with_each_figure_and_its_source(client, code):
    ruleset = CATALOG.get(code)
    response = client.get(f"/how-points-work/{code}")  # not logged in: general help
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert_sound_page(response.text, f"/how-points-work/{code}")
    assert f"<h1>How {ruleset.points_name.plural} work for {ruleset.short_name}</h1>" in page
    for category in ruleset.categories:
        assert f"<h3>{category.name}</h3>" in page
    numbers = {}
    for number, source in enumerate(ruleset.sources, start=1):
        assert source.title in page
        numbers[source.key] = str(number)
    marks = figure_marks(response.text)
    assert len(marks) == len(ruleset.provenance)  # every figure of the file, each once
    for mark in ruleset.provenance:
        if mark.estimate:
            assert marks[mark.path] == "estimate", mark.path
        else:
            assert marks[mark.path] == "source " + ", ".join(numbers[s.key] for s in mark.sources)


def test_the_cpt_page_explains_points_with_plain_examples(client):
    page = html.unescape(client.get("/how-points-work/mssc-cpt").text)
    assert "<title>How points work for CPT · Recert</title>" in page
    assert "You need 100 points in each cycle." in page
    assert "Each cycle lasts 5 years." in page
    for example in ("An Army course with a certificate", "community college",
                    "The months you worked in a production job", "An OSHA 30 card",
                    "Volunteering at a STEM fair"):
        assert example in page
    assert "It is worth 1 point per contact hour." in page
    assert "At most 40 points of it count in a cycle." in page
    assert "Proof MSSC may ask for: employment verification form." in page
    not_counted = page.split("What does not count")[1].split("</section>")[0]
    assert "before your cycle started or after it ends" in not_counted
    assert "not related to manufacturing" in not_counted
    assert "Book you read" in not_counted  # a kind of activity no CPT category takes
    assert "Recertification application: CPT: $75." in page
    assert 'href="https://msscusa.org/recertification/"' in page
    assert "Checked Dec 6, 2026." in page
    assert "MSSC published 6." in page


def test_the_clt_page_speaks_of_logistics(client):
    page = html.unescape(client.get("/how-points-work/mssc-clt").text)
    assert "not related to logistics" in page
    assert "An Army supply or transport course with a certificate" in page


def test_an_unknown_rule_set_has_no_page(client):
    assert client.get("/how-points-work/no-such-credential").status_code == 404


def test_the_category_table_says_which_figures_are_estimates(user_client, cpt):
    log_activity(user_client, cpt, category="CE-TRAINING", quantity="8")
    page = html.unescape(user_client.get(f"/credentials/{cpt}").text)
    assert category_rows(page)["Training course"] == ("8", "8")  # the numbers stay plain
    assert "<th scope=\"col\">Figures from</th>" in page
    row = re.search(r"<tr><td>Training course</td>.*?</tr>", page, flags=re.S).group(0)
    assert '<a href="#estimate-CE-TRAINING">Recert (estimate)</a>' in row
    note = re.search(r'<li id="estimate-CE-TRAINING">(.*?)</li>', page, flags=re.S).group(1)
    assert note == f"<strong>Training course:</strong> {TRAINING_SENTENCE}"
    assert 'href="/how-points-work/mssc-cpt"' in page


def test_a_category_with_published_figures_names_the_agency(user_client):
    response = submit(user_client, "/credentials/new/asq-cct", {"certified_on": "2024-07-01"})
    credential = response.headers["Location"].rsplit("/", 1)[-1]
    page = html.unescape(user_client.get(f"/credentials/{credential}").text)
    row = re.search(r"<tr><td>Course or training, in hours</td>.*?</tr>", page, flags=re.S)
    assert row.group(0).endswith("<td>ASQ</td></tr>")
    assert 'id="estimate-' not in page  # ASQ published the rates and limits of every category


def test_the_activity_page_marks_points_an_estimate_decides(user_client, cpt):
    response = log_activity(user_client, cpt, category="CE-TRAINING", quantity="8")
    page = html.unescape(user_client.get(response.headers["Location"]).text)
    assert "Earns 8 points</strong> (estimate);" in page
    assert f"<strong>Estimate:</strong> {TRAINING_SENTENCE}" in page
