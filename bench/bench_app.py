"""The WSGI app that bench/suite.py serves with gunicorn: the real app plus a floor page.

Never used in production. It wraps create_app() with the bench's database and pinned date
(from BENCH_DATABASE_URL and BENCH_TODAY) and adds one route to this instance only,
/_bench/floor: the base template rendered with no database work, the cheapest page the app's
stack (Flask, its hooks and extensions, Jinja, gunicorn) can serve. The production
create_app() does not know it.
"""

import os
from datetime import date

from flask import render_template

from tracker import create_app

FLOOR_PATH = "/_bench/floor"
FLOOR_PAGE = '{% extends "base.html" %}{% block title %}Floor{% endblock %}'

app = create_app({
    "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
    "TODAY": date.fromisoformat(os.environ["BENCH_TODAY"]),
    # The bench sends the import preview and the PDF many times a minute; people never do.
    "WRITE_RATE_LIMIT": "",
    "UPLOAD_RATE_LIMIT": "",
    "DOWNLOAD_RATE_LIMIT": "",
})
_floor = app.jinja_env.from_string(FLOOR_PAGE)  # compiled once, like a template file
app.add_url_rule(FLOOR_PATH, "bench_floor", lambda: render_template(_floor))
