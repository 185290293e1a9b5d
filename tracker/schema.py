"""Alembic migrations, run against the app's own engine."""

from alembic import command
from alembic.config import Config
from flask import Flask

from tracker.db import get_engine
from tracker.paths import resource_dir


def alembic_config(app: Flask) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    # Alembic reads %-interpolation in option values: a password with % must be escaped.
    config.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    config = alembic_config(app)
    with app.app_context(), get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
