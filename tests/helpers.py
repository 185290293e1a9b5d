"""Test helpers that act as a person with a browser would."""

from html.parser import HTMLParser

PASSWORD = "correct horse battery"


class _CsrfTokenFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.token = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "csrf_token" and self.token is None:
            self.token = attributes.get("value")


def csrf_token(html: str) -> str:
    finder = _CsrfTokenFinder()
    finder.feed(html)
    assert finder.token, "the page has no form with a CSRF token"
    return finder.token


def submit(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Open the form's page, take its CSRF token as a browser would, and post `data`."""
    page = client.get(form_page or url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def register(self, email="pat@example.com", name="Pat Doe", password=PASSWORD, **kwargs):
        data = {"email": email, "display_name": name, "password": password, "confirm": password}
        data.update(kwargs)
        return submit(self.client, "/auth/register", data)

    def login(self, email="pat@example.com", password=PASSWORD, remember=False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return submit(self.client, "/auth/login", data)

    def logout(self):
        return submit(self.client, "/auth/logout", {}, form_page="/")
