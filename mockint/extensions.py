"""The Flask extension singletons, bound to an app by the factory."""

from __future__ import annotations

from flask import Response
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can drop and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ErrorPagesCompress(Compress):
    """Flask-Compress, which skips non-2xx responses, also compressing error pages."""

    def after_request(self, response: Response | None) -> Response:
        """Compress as for a 200, then restore the error status."""
        # A refused form re-rendered with its errors (400) is a whole page too.
        if response is None or not 400 <= response.status_code < 600:
            return super().after_request(response)
        status = response.status
        response.status_code = 200
        response = super().after_request(response)
        response.status = status
        return response


db = SQLAlchemy(model_class=Base)
compress = ErrorPagesCompress()
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
