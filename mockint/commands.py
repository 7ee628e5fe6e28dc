"""Command-line commands: `banks ...`, `review rebuild`, `backup` and `restore`."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from mockint.backups import (
    BackupError,
    backup_database,
    migration_head,
    migration_revisions,
    restore_database,
    sqlite_file,
)
from mockint.bank_sync import sync_banks
from mockint.banks import BankError, bank_stats, load_banks
from mockint.extensions import db
from mockint.scheduling import rebuild_cards

banks_cli = AppGroup("banks", help="Check, load and describe the question banks.")


def _default_dir() -> Path:
    return Path(current_app.config["QUESTIONS_DIR"])


def _load_or_fail(path: Path) -> list:
    try:
        return load_banks(path)
    except BankError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        count = len(error.problems)
        raise click.ClickException(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
        ) from None


@banks_cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_command(path: Path | None) -> None:
    """Validate bank files without touching the database."""
    banks = _load_or_fail(path or _default_dir())
    total = sum(len(bank.questions) for bank in banks)
    click.echo(f"OK: {len(banks)} banks, {total} questions.")


@banks_cli.command("sync")
@click.argument(
    "directory", required=False, type=click.Path(path_type=Path, file_okay=False)
)
def sync_command(directory: Path | None) -> None:
    """Load the banks into the database, all or nothing."""
    banks = _load_or_fail(directory or _default_dir())
    # On any error the app context's teardown rolls the whole sync back.
    report = sync_banks(db.session, banks)
    db.session.commit()
    click.echo(f"Synced {len(banks)} banks: {report.summary()}.")


@banks_cli.command("stats")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def stats_command(path: Path | None, as_json: bool) -> None:
    """Print per-field numbers: questions, kinds, levels, difficulty, targets."""
    stats = bank_stats(_load_or_fail(path or _default_dir()))
    if as_json:
        click.echo(json.dumps([asdict(row) for row in stats], indent=2))
        return
    header = (
        f"{'field':<28} {'qs':>4} {'bg':>3} {'beh':>3} {'sit':>3} {'tech':>4} "
        f"{'ent':>3} {'exp':>3} {'mgr':>3} "
        f"{'d1':>3} {'d2':>3} {'d3':>3} {'median s':>8} {'follow-ups':>10}"
    )
    click.echo(header)
    for row in stats:
        kinds, levels, hard = row.kinds, row.levels, row.difficulty
        click.echo(
            f"{row.name[:28]:<28} {row.questions:>4} {kinds['background']:>3} "
            f"{kinds['behavioral']:>3} {kinds['situational']:>3} "
            f"{kinds['technical']:>4} {levels['entry']:>3} "
            f"{levels['experienced']:>3} {levels['manager']:>3} "
            f"{hard[1]:>3} {hard[2]:>3} {hard[3]:>3} "
            f"{row.median_target_seconds:>8g} {row.with_follow_ups:>10.0%}"
        )
    total = sum(row.questions for row in stats)
    click.echo(f"{len(stats)} fields, {total} questions.")


review_cli = AppGroup("review", help="Spaced-repetition maintenance.")


@review_cli.command("rebuild")
@click.option("--user", "user_id", type=int, help="Only this user id.")
def rebuild_command(user_id: int | None) -> None:
    """Recompute every review card and daily practice sum from the attempt log."""
    count = rebuild_cards(db.session, user_id)  # the practice days with them
    db.session.commit()
    click.echo(f"Rebuilt {count} review cards and the practice days from the log.")


def _live_sqlite_file(pg_command: Callable[[str], str]) -> Path:
    """The configured SQLite file, or a ClickException naming the PostgreSQL tool."""
    url = sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        path = sqlite_file(url)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    if path is not None:
        return path
    if url.get_backend_name() != "postgresql":
        raise click.ClickException(
            f"DATABASE_URL is {url.get_backend_name()}: only SQLite databases are "
            "handled here; use your database's own backup tools."
        )
    # A URL the pg tools understand, without the password (PGPASSWORD or ~/.pgpass).
    plain = sa.URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    command = pg_command(shlex.quote(plain.render_as_string(hide_password=False)))
    raise click.ClickException(
        "DATABASE_URL is PostgreSQL, which is backed up and restored with its own "
        f"tools, not with this command:\n  {command}"
    )


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Copy the live SQLite database to PATH while the app runs, then check it."""
    live = _live_sqlite_file(
        lambda url: f"pg_dump -Fc -f {shlex.quote(str(path))} {url}"
    )
    try:
        report = backup_database(live, path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Backed up {live} to {path} in {report.copy_seconds:.2f} s; "
        f"integrity_check ok.\n{report.summary.describe()}"
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def restore_command(path: Path) -> None:
    """Put a backup made by `backup` back in place of the live SQLite database."""
    live = _live_sqlite_file(
        lambda url: (
            f"pg_restore --clean --if-exists -d {url} "
            f"{shlex.quote(str(path))}   # with the app stopped"
        )
    )
    migrations = Path(current_app.extensions["migrate"].directory)
    try:
        report = restore_database(path, live, migration_revisions(migrations))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored {path} into {live}; integrity_check ok.\n{report.summary.describe()}"
    )
    if report.replaced_copy:
        click.echo(f"The database it replaced is kept at {report.replaced_copy}.")
    if report.summary.revision != migration_head(migrations):
        click.echo(
            "The backup predates this version: run `flask --app app db upgrade`."
        )


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(banks_cli)
    app.cli.add_command(review_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
