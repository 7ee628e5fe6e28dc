"""Configuration read from the environment, with safe development defaults."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# OWASP's current bar for PBKDF2-HMAC-SHA256.
PRODUCTION_PASSWORD_METHOD = "pbkdf2:sha256:1000000"
MIN_SECRET_LENGTH = 32
# How long a browser stays signed in without being used (renewed on use).
REMEMBER_FOR = timedelta(days=30)
DEFAULT_RECORDING_QUOTA_MB = 500


class ConfigError(RuntimeError):
    """Raised when the app cannot start safely with the given environment."""


def _development_secret(instance_path: Path) -> str:
    """Return a secret generated once and kept under instance/."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    key_file.write_text(secret)
    key_file.chmod(0o600)
    return secret


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// and postgres:// URLs."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def _recording_quota_mb() -> int:
    """Each profile's room for recordings, from MOCKINT_RECORDING_QUOTA_MB."""
    raw = os.environ.get("MOCKINT_RECORDING_QUOTA_MB", "").strip()
    if not raw:
        return DEFAULT_RECORDING_QUOTA_MB
    if not raw.isdigit():
        raise ConfigError(
            f"MOCKINT_RECORDING_QUOTA_MB must be a whole number of megabytes "
            f"(0 turns recording off), not {raw!r}."
        )
    return int(raw)


def load_config(instance_path: Path) -> dict[str, object]:
    """Build the app configuration from environment variables."""
    production = os.environ.get("MOCKINT_ENV", "development") == "production"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError(
                "SECRET_KEY must be set when MOCKINT_ENV=production; refusing to start."
            )
        secret = _development_secret(instance_path)
    if production and len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} random characters "
            "when MOCKINT_ENV=production (for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`); "
            "refusing to start."
        )
    database_url = normalise_database_url(
        os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'mockint.sqlite3'}"
    )
    questions_dir = os.environ.get("MOCKINT_QUESTIONS_DIR") or str(
        PROJECT_ROOT / "questions"
    )
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A server's connections can drop (a restart); a file's cannot, and the
        # ping would cost every SQLite request a statement for nothing.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": not database_url.startswith("sqlite")
        },
        "QUESTIONS_DIR": questions_dir,
        "PASSWORD_HASH_METHOD": PRODUCTION_PASSWORD_METHOD,
        # __Host-: the browser accepts the cookie only from this exact host, over
        # HTTPS, for the whole site, so a sibling subdomain cannot plant one.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_NAME": "__Host-remember" if production else "remember_token",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": REMEMBER_FOR,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 51 * 1024 * 1024,  # a 50 MB export and its form
        # Proxies in front of the app whose X-Forwarded-For/-Proto to trust.
        "PROXY_HOPS": int(os.environ.get("MOCKINT_PROXY_HOPS", "0")),
        "RECORDING_QUOTA_BYTES": _recording_quota_mb() * 1024 * 1024,
        # Per address, per hour (mockint.throttling).
        "SIGNUPS_PER_HOUR": 10,
        "IMPORTS_PER_HOUR": 10,
    }
