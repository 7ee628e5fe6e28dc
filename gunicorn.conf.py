"""gunicorn settings for `make serve`: behind a TLS proxy, no query strings logged."""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "app:app"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"

# Sync workers spend most of a request waiting on the database, hence 2 per core
# plus one; past 9 the database connections cost more than the workers bring.
workers = int(
    os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
)

# Access log on stdout with the path only: no query string (%(r)s, %(q)s) and no
# Referer (%(f)s, which carries the previous page's query), so no token or filter
# a user typed ever reaches a log file.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
# Interviewer-link tokens (/i/<token>) are secrets: every line shows them redacted.
logger_class = "mockint.redaction.RedactingGunicornLogger"

proc_name = "mockint"
# The control socket (gunicorn 24+) is for runtime management we do not use; it
# would also make two servers started by one user fight over ~/.gunicorn.
control_socket_disable = True
