"""The downloads that take seconds to make (report PDF, audit packet, full export) have a budget
per person, web and API together (tests/system/test_heavy_downloads.py: they never take all
of a server's threads)."""

from tests.api.helpers import ApiClient, make_token, problem_of
from tests.helpers import AuthActions


def test_heavy_downloads_share_one_budget_per_person_across_web_and_api(
        app, user_client, cpt):
    app.config["DOWNLOAD_RATE_LIMIT"] = "3 per minute"
    api = ApiClient(app, make_token(user_client))
    assert user_client.get("/account/export.json").status_code == 200
    assert api.get("/export.json").status_code == 200
    assert user_client.get(f"/credentials/{cpt}/packet.zip").status_code == 200
    refused = user_client.get(f"/credentials/{cpt}/report.pdf")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "You asked for many reports and exports in a short time." in refused.text
    detail = problem_of(api.get(f"/credentials/{cpt}/packet.zip"), 429)["detail"]
    assert "shared with the website" in detail
    # The light ones are not counted.
    assert user_client.get(f"/credentials/{cpt}/activities.csv").status_code == 200
    assert user_client.get(f"/credentials/{cpt}/report").status_code == 200


def test_the_budget_is_each_persons_own(app, user_client, cpt):
    app.config["DOWNLOAD_RATE_LIMIT"] = "1 per minute"
    assert user_client.get("/account/export.json").status_code == 200
    assert user_client.get("/account/export.json").status_code == 429
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam")
    assert other.get("/account/export.json").status_code == 200

