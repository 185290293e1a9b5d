"""Recert: track the points that keep a credential alive."""

import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import Flask
from flask_openapi3 import OpenAPI

from tracker import api, cli, config, db, display, errors, security, served_rulesets, web
from tracker.extensions import csrf, limiter, login_manager
from tracker.imports import models as _import_tables  # noqa: F401 (registers the tables)
from tracker.paths import resource_dir
from tracker.proofs import models as _proof_tables  # noqa: F401 (registers the tables)

try:
    __version__ = version("recert")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app; `overrides` replaces settings (tests use it for their own database)."""
    # flask-openapi3's Flask subclass: it writes the API's OpenAPI document (tracker.api).
    app = OpenAPI(
        __name__,
        **api.OPENAPI_OPTIONS,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=_instance_path(),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(Path(app.instance_path)))
    app.config.from_mapping(overrides or {})
    config.ensure_secret_key(app.config, Path(app.instance_path))
    app.config["VERSION"] = __version__

    # Before any route is added: every <int:...> id is bounded (tracker.web.DatabaseId).
    app.url_map.converters["int"] = web.DatabaseId
    served_rulesets.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    errors.init_app(app)
    api.init_app(app)
    register_template_helpers(app)
    security.init_app(app)
    cli.init_app(app)
    return app


def _instance_path() -> str | None:
    """RECERT_INSTANCE_PATH, or None for Flask's default (`instance/` beside a checkout)."""
    path = os.environ.get("RECERT_INSTANCE_PATH")
    return os.path.abspath(path) if path else None


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from tracker.dashboard import sentences

    display.init_app(app)
    sentences.init_app(app)


def register_blueprints(app: Flask) -> None:
    from tracker.account.device_views import bp as devices_bp
    from tracker.account.token_views import bp as api_tokens_bp
    from tracker.account.two_factor_views import bp as two_factor_bp
    from tracker.account.views import bp as account_bp
    from tracker.activities.evidence_views import bp as evidence_bp
    from tracker.activities.record_views import bp as record_bp
    from tracker.activities.trash_views import bp as trash_bp
    from tracker.activities.views import bp as activities_bp
    from tracker.auth.password_reset import bp as password_reset_bp
    from tracker.auth.registration import bp as registration_bp
    from tracker.auth.second_step import bp as second_step_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.credentials.how_points_views import bp as how_points_bp
    from tracker.credentials.renewal_views import bp as renewal_bp
    from tracker.credentials.views import bp as credentials_bp
    from tracker.dashboard.views import bp as dashboard_bp
    from tracker.health import bp as health_bp
    from tracker.imports.views import bp as imports_bp
    from tracker.proofs.inbox_views import bp as inbox_bp
    from tracker.proofs.views import bp as proofs_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(password_reset_bp)
    app.register_blueprint(second_step_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(two_factor_bp)
    app.register_blueprint(devices_bp)
    app.register_blueprint(credentials_bp)
    app.register_blueprint(renewal_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(record_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(trash_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(how_points_bp)
    app.register_blueprint(proofs_bp)
    app.register_blueprint(inbox_bp)
