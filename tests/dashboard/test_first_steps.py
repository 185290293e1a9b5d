"""A credential with nothing logged says where to start, not that the person is behind."""

from datetime import date

from tests.helpers import add_cpt, log_activity

START = "Start by logging what you have done since Mar 15, 2022."
# CPT's categories, each a button to the activity form with that category chosen.
BUTTONS = [
    ("CE-CREDIT", "College course for credit"),
    ("CE-NONCREDIT", "College course not for credit"),
    ("CE-TRAINING", "Training course"),
    ("IC", "Industry certification earned"),
    ("E", "Work in a manufacturing-related job"),
    ("X", "Volunteering, teaching or association work"),
]


def card(client) -> str:
    page = client.get("/").text
    return page[page.index('<article class="credential-card'):page.index("</article>")]


def status_block(client, credential_id: int) -> str:
    page = client.get(f"/credentials/{credential_id}").text
    return page[page.index("<article"):page.index("</article>")]


def test_a_new_credential_says_where_to_start_with_its_categories(app, user_client):
    app.config["TODAY"] = date(2024, 11, 24)  # two years in, nothing logged: behind pace
    cpt = add_cpt(user_client, "2022-03-15")
    home = user_client.get("/").text
    for block in (card(user_client), status_block(user_client, cpt)):
        assert START in block
        assert "Behind" not in block
        for category, name in BUTTONS:
            assert (f'<a href="/credentials/{cpt}/activities/new?category={category}" '
                    f'role="button" '
                    f'class="secondary outline">{name}</a>') in block
    assert "behind pace" not in home  # nor does a reminder say it
    form = user_client.get(f"/credentials/{cpt}/activities/new?kind=job")
    assert form.status_code == 200


def test_after_the_first_activity_the_usual_status_shows(app, user_client):
    app.config["TODAY"] = date(2024, 11, 24)
    cpt = add_cpt(user_client, "2022-03-15")
    log_activity(user_client, cpt, completed_on="2023-01-01", quantity="8")
    for block in (card(user_client), status_block(user_client, cpt)):
        assert START not in block
        assert "?category=" not in block
        assert "<strong>Behind</strong>" in block
        assert "Log 92 more points by Mar 15, 2027" in block
    assert "You are behind pace on your CPT: you have 8 points" in user_client.get("/").text


def test_the_first_activity_ends_the_start_even_outside_the_cycle(app, user_client):
    """Logged, but counting 0: the status and its next step say why, not "start"."""
    app.config["TODAY"] = date(2024, 11, 24)
    cpt = add_cpt(user_client, "2022-03-15")
    log_activity(user_client, cpt, completed_on="2021-06-01", quantity="8")  # before the cycle
    assert START not in card(user_client)
    assert "<strong>Behind</strong>" in status_block(user_client, cpt)


def test_at_risk_is_said_even_with_nothing_logged(app, user_client):
    app.config["TODAY"] = date(2027, 1, 1)  # 73 days left
    cpt = add_cpt(user_client, "2022-03-15")
    assert START not in card(user_client)
    assert "<strong>At risk</strong>" in status_block(user_client, cpt)
