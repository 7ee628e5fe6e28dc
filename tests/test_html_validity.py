"""Every page is valid HTML by the W3C Nu checker (vnu), forms with errors too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from mockint.config import PROJECT_ROOT

from tour import every_page

VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_command() -> list[str]:
    """The checker's command line; skip (or fail under CI) when it is missing."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} (npm ci --ignore-scripts)")
    if missing:
        message = "The HTML checker needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def test_every_page_is_valid_html(app: Flask, tmp_path: Path) -> None:
    command = vnu_command()
    files: dict[str, str] = {}
    for number, visit in enumerate(every_page(app)):
        slug = re.sub(r"[^a-z0-9]+", "-", visit.name.lower()).strip("-")
        path = tmp_path / f"{number:02d}-{slug}.html"
        path.write_bytes(visit.response.data)
        files[path.name] = f"{visit.name} ({visit.path})"
        page = visit.response.get_data(as_text=True)
        described = re.findall(r'<meta name="description" content="([^"]+)">', page)
        assert len(described) == 1, f"{visit.name}: one meta description"

    # One JVM for all the pages: starting the checker is the slow part.
    result = subprocess.run(
        [*command, *(str(tmp_path / name) for name in files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    problems = [
        f"{files.get(Path(m.get('url', '')).name, m.get('url'))}, "
        f"line {m.get('lastLine')}: {m['message']}\n    {m.get('extract', '')!r}"
        for m in messages
        if m["type"] != "info"
    ]
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)
    assert result.returncode == 0, result.stderr
    assert len(files) >= 20  # the tour reached every page it meant to
