"""mockint: practise job interviews against the clock, alone or with a friend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from mockint.config import PROJECT_ROOT, load_config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the mockint application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    # catalogue: importing it registers the listener that counts bank changes.
    from mockint import (  # noqa: F401
        catalogue,
        commands,
        database,
        display,
        errors,
        identity,
        redaction,
        security,
        serving,
        widgets,
    )
    from mockint.cookie_sessions import VerifiedCookieSessions
    from mockint.extensions import csrf, db, migrate

    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    redaction.install(app.logger)
    app.session_interface = VerifiedCookieSessions()
    widgets.install()
    database.install_sqlite_behaviour()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    identity.init_app(app)
    security.init_app(app)
    serving.init_app(app)
    errors.init_app(app)
    display.init_app(app)
    commands.init_app(app)

    from mockint.accounts.settings import bp as settings_bp
    from mockint.accounts.views import bp as accounts_bp
    from mockint.interviews import bp as interviews_bp
    from mockint.interviews import register_views as register_interview_views
    from mockint.practice import recordings  # noqa: F401  (its views join practice_bp)
    from mockint.practice.views import bp as practice_bp
    from mockint.prepare import bp as prepare_bp
    from mockint.prepare import register_views as register_prepare_views
    from mockint.review.views import bp as review_bp

    app.register_blueprint(practice_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(settings_bp)
    register_prepare_views()
    app.register_blueprint(prepare_bp)
    register_interview_views()
    app.register_blueprint(interviews_bp)

    from mockint.interviews import poll

    poll.init_app(app)
    return app
