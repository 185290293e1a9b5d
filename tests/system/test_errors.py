"""Error pages: in the site's layout, in plain words, never a stack trace."""

from tests.helpers import PASSWORD, csrf_token
from tracker import create_app


def test_not_found_page_is_in_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<title>Page not found · Recert</title>" in response.text
    assert "Go to the home page" in response.text


def test_too_large_request_gets_a_plain_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/auth/login", data={"email": "x" * 4096})
    assert response.status_code == 413
    assert "File too large" in response.text


def test_unexpected_error_shows_no_stack_trace(app):
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_database_down_answers_503_in_the_layout(monkeypatch, tmp_path):
    # A database file in a folder that does not exist cannot be opened.
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/recert.db"})
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").text)
    response = client.post("/auth/login", data={"csrf_token": token, "email": "a@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 503
    assert "Recert is not available right now" in response.text
    assert "Traceback" not in response.text
