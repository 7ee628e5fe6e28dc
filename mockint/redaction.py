"""Keeping interviewer-link tokens out of every log line.

The token in /i/<token> is a bearer secret: the app exchanges it for a grant at
once, but the request that carried it is still logged by the web server and,
on an error, by Flask. Those lines show /i/[redacted] instead.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

_LINK_TOKEN = re.compile(r"/i/[^/?#\s\"']+")
REDACTED_LINK = "/i/[redacted]"


def redact(text: str) -> str:
    """The text with any interviewer-link token replaced."""
    return _LINK_TOKEN.sub(REDACTED_LINK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites records so no link token is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Format the message now, redacted; always keep the record."""
        message = record.getMessage()
        if "/i/" in message:
            record.msg, record.args = redact(message), ()
        return True


def install(app_logger: logging.Logger) -> None:
    """Redact the development server's request lines and the app's own logs."""
    for logger in (logging.getLogger("werkzeug"), app_logger):
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


class RedactingGunicornLogger(Logger):
    """gunicorn's logger, with link tokens removed from access and error lines."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        """The access log's fields, with the path and request line redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        """Log an error line, redacted."""
        super().error(redact(str(msg)), *args, **kwargs)
