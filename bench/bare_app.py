"""The yardstick for benchmarks: a bare Flask app answering one small JSON body."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> dict[str, str]:
    """The least a Flask endpoint can do."""
    return {"hello": "world"}
