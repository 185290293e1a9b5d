"""The activity list: filters, sorting, pages and totals; a fixed number of SQL statements."""

import re

from tests.helpers import counted_statements, insert_activities, log_activity, pdf_bytes


def test_the_list_page_takes_the_same_few_statements_whatever_its_size(app, user_client, cpt):
    # No ledger kept between views: each one reads everything (adding the credential shows
    # what it counts, so its empty ledger would otherwise be in the cache already).
    app.config["LEDGER_CACHE_BYTES"] = 0
    url = f"/credentials/{cpt}/activities"
    counts, present = [], 0
    for total in (0, 10, 1000):
        insert_activities(app, cpt, total - present)
        present = total
        with counted_statements(app) as statements:
            response = user_client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts
    # user, credential, activities, their files, and (one more since activities belong to
    # the person) the person's choices of where each counts
    assert counts[0] <= 5, counts


def test_newest_first_with_columns_a_person_understands(user_client, cpt):
    log_activity(user_client, cpt, title="Older course", completed_on="2023-01-10",
                 files=[("c.pdf", pdf_bytes())])
    log_activity(user_client, cpt, title="Newer course", completed_on="2025-06-01",
                 quantity="2.5")
    page = user_client.get(f"/credentials/{cpt}/activities").text
    assert page.index("Newer course") < page.index("Older course")
    assert "2.5 contact hours" in page
    assert "No proof" in page  # the newer one has no file
    assert "1 file" in page
    assert "2 activities: 10.5 earned, <strong>10.5 count</strong>" in page


def test_filters_live_in_the_url_and_total_the_filtered_rows(user_client, cpt):
    log_activity(user_client, cpt, title="Forklift safety", completed_on="2024-01-01",
                 quantity="8", tags=["safety"])
    log_activity(user_client, cpt, category="CE-CREDIT", title="Statistics",
                 completed_on="2024-02-01", quantity="3", description="Quality tools")
    log_activity(user_client, cpt, category="X", title="Volunteer", completed_on="2024-03-01",
                 quantity="30", tags=["quality.continuous-improvement"])
    url = f"/credentials/{cpt}/activities"

    def titles(query: str) -> list[str]:
        page = user_client.get(f"{url}?{query}").text
        return [t for t in ("Forklift safety", "Statistics", "Volunteer") if f">{t}</a>" in page]

    assert titles("category=CE-CREDIT") == ["Statistics"]
    assert titles("flag=over_cap") == ["Volunteer"]
    assert titles("tag=safety") == ["Forklift safety"]
    assert titles("tag=quality") == ["Volunteer"]  # a module matches its key activities
    assert titles("q=QUALITY") == ["Statistics"]  # searches the notes too, any case
    assert titles("q=acme") == ["Forklift safety", "Statistics", "Volunteer"]  # the provider
    page = user_client.get(f"{url}?category=X").text
    assert "1 activity matches: 30 earned, <strong>20 count</strong>" in page


def test_sort_by_points_and_category(user_client, cpt):
    log_activity(user_client, cpt, title="Small", quantity="1", completed_on="2025-01-01")
    log_activity(user_client, cpt, category="CE-CREDIT", title="Big", quantity="3",
                 completed_on="2023-01-01")
    url = f"/credentials/{cpt}/activities"
    by_points = user_client.get(f"{url}?sort=points").text
    assert by_points.index(">Big<") < by_points.index(">Small<")
    oldest = user_client.get(f"{url}?sort=oldest").text
    assert oldest.index(">Big<") < oldest.index(">Small<")
    newest = user_client.get(url).text
    assert newest.index(">Small<") < newest.index(">Big<")


def test_fifty_a_page_with_page_links(app, user_client, cpt):
    insert_activities(app, cpt, 120)
    url = f"/credentials/{cpt}/activities"
    first = user_client.get(url).text
    assert len(re.findall(r'href="/activities/\d', first)) == 50
    assert f'href="{url}?page=3"' in first
    third = user_client.get(f"{url}?page=3").text
    assert len(re.findall(r'href="/activities/\d', third)) == 20
    assert '<strong aria-current="page">3</strong>' in third
    assert "120 activities: 180 earned" in third  # totals cover every page
    assert user_client.get(f"{url}?page=99").status_code == 200
    assert user_client.get(f"{url}?page=abc").status_code == 200
    assert user_client.get(f"{url}?page=\u00b2").status_code == 200  # "²".isdigit() is true


def test_a_new_credential_shows_how_to_start(user_client, cpt):
    page = user_client.get(f"/credentials/{cpt}/activities").text
    assert "Log your first activity" in page


def test_many_pages_link_the_first_last_and_nearby_pages(app, user_client, cpt):
    insert_activities(app, cpt, 1000)  # 20 pages
    url = f"/credentials/{cpt}/activities"
    page = user_client.get(f"{url}?page=10").text
    nav = page[page.index('<nav aria-label="Pages"'):]
    nav = nav[:nav.index("</nav>")]
    linked = re.findall(r'href="([^"]*)"[^>]*>(\w+)<', nav)
    assert [text for _href, text in linked] == ["Previous", "1", "8", "9", "11", "12", "20",
                                                "Next"]
    assert linked[0][0] == linked[3][0] == f"{url}?page=9"
    assert linked[1][0] == url
    assert linked[-1][0] == linked[4][0] == f"{url}?page=11"
    assert '<strong aria-current="page">10</strong>' in nav
    assert nav.count("…") == 2
    assert "Page 10 of 20" in nav
    first = user_client.get(url).text
    assert "Previous" not in first[first.index('<nav aria-label="Pages"'):]
