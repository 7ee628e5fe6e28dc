"""Command-line commands: `flask --app app banks check|sync|stats`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

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
    """Print per-field numbers: questions, kinds, difficulty, target times."""
    stats = bank_stats(_load_or_fail(path or _default_dir()))
    if as_json:
        click.echo(json.dumps([asdict(row) for row in stats], indent=2))
        return
    header = (
        f"{'field':<28} {'qs':>4} {'bg':>3} {'beh':>3} {'sit':>3} {'tech':>4} "
        f"{'d1':>3} {'d2':>3} {'d3':>3} {'median s':>8} {'follow-ups':>10}"
    )
    click.echo(header)
    for row in stats:
        kinds, levels = row.kinds, row.difficulty
        click.echo(
            f"{row.name[:28]:<28} {row.questions:>4} {kinds['background']:>3} "
            f"{kinds['behavioral']:>3} {kinds['situational']:>3} "
            f"{kinds['technical']:>4} {levels[1]:>3} {levels[2]:>3} {levels[3]:>3} "
            f"{row.median_target_seconds:>8g} {row.with_follow_ups:>10.0%}"
        )
    total = sum(row.questions for row in stats)
    click.echo(f"{len(stats)} fields, {total} questions.")


review_cli = AppGroup("review", help="Spaced-repetition maintenance.")


@review_cli.command("rebuild")
@click.option("--user", "user_id", type=int, help="Only this user id.")
def rebuild_command(user_id: int | None) -> None:
    """Recompute every review card from the attempt log."""
    count = rebuild_cards(db.session, user_id)
    db.session.commit()
    click.echo(f"Rebuilt {count} review cards from the attempt log.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(banks_cli)
    app.cli.add_command(review_cli)
