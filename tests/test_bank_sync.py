"""Syncing banks into the database: upserts by id, archives, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.extensions import db
from mockint.models import Field, Question

from support import FIELD, GOOD_QUESTION, question, write_bank


class TestSync:
    """Sync upserts by id, archives what is gone and is all or nothing."""

    def test_sync_is_idempotent(self, app: Flask, app_ctx: None) -> None:
        banks = load_banks(Path(app.config["QUESTIONS_DIR"]))
        report = sync_banks(db.session, banks)
        assert (report.added, report.updated, report.archived) == (0, 0, 0)
        assert report.unchanged == 8

    def test_edit_keeps_row_and_removal_archives(
        self, app: Flask, app_ctx: None
    ) -> None:
        folder = Path(app.config["QUESTIONS_DIR"])
        before = db.session.scalar(db.select(Question).where(Question.key == "al-two"))
        alpha = folder / "alpha.toml"
        text = alpha.read_text().replace(
            "Describe a conflict with a colleague and how it ended.",
            "Describe a disagreement with a teammate and how you settled it.",
        )
        start = text.index('[[questions]]\nid = "al-six"')
        alpha.write_text(text[:start])
        report = sync_banks(db.session, load_banks(folder))
        db.session.commit()
        assert (report.updated, report.archived) == (1, 1)
        after = db.session.scalar(db.select(Question).where(Question.key == "al-two"))
        assert after.id == before.id
        assert after.text.startswith("Describe a disagreement")
        gone = db.session.scalar(db.select(Question).where(Question.key == "al-six"))
        assert gone.archived_at is not None

    def test_cli_refuses_bad_banks_and_imports_nothing(
        self, app: Flask, app_ctx: None, tmp_path: Path
    ) -> None:
        folder = tmp_path / "bad"
        folder.mkdir()
        write_bank(folder, "good.toml", FIELD + GOOD_QUESTION)
        write_bank(folder, "bad.toml", FIELD.replace("test-field", "bad") + question())
        result = app.test_cli_runner().invoke(args=["banks", "sync", str(folder)])
        assert result.exit_code != 0
        assert (
            "good.toml: [field]: id_prefix 'tt' is also used in bad.toml"
            in result.output
        )
        assert "nothing was imported" in result.output
        assert (
            db.session.scalar(db.select(Field).where(Field.slug == "test-field"))
            is None
        )

    def test_cli_check_and_sync(self, app: Flask, app_ctx: None) -> None:
        runner = app.test_cli_runner()
        checked = runner.invoke(args=["banks", "check"])
        assert checked.exit_code == 0
        assert "OK: 2 banks, 8 questions." in checked.output
        synced = runner.invoke(args=["banks", "sync"])
        assert synced.exit_code == 0, synced.output
        assert "8 unchanged" in synced.output

    def test_cli_stats_json(self, app: Flask) -> None:
        result = app.test_cli_runner().invoke(args=["banks", "stats", "--json"])
        assert result.exit_code == 0
        rows = json.loads(result.output)
        assert [row["slug"] for row in rows] == ["alpha-field", "beta-field"]
        assert rows[0]["questions"] == 6


def test_a_question_moved_to_another_field_keeps_its_history(
    app: Flask, app_ctx: None, tmp_path: Path
) -> None:
    from mockint.models import Attempt, User, utcnow

    folder = tmp_path / "moved"
    folder.mkdir()
    write_bank(folder, "a.toml", FIELD + question(id='"tt-old"', text='"Estimate it."'))
    sync_banks(db.session, load_banks(folder))
    user = User()
    db.session.add(user)
    db.session.flush()
    old = db.session.scalar(db.select(Question).where(Question.key == "tt-old"))
    db.session.add(
        Attempt(
            user_id=user.id,
            question_id=old.id,
            rating=2,
            elapsed_seconds=60,
            shown_at=utcnow(),
            answered_at=utcnow(),
        )
    )
    db.session.commit()
    other = FIELD.replace('"test-field"', '"other-field"').replace('"tt"', '"ot"')
    write_bank(folder, "a.toml", FIELD + question(id='"tt-stays"'))
    write_bank(
        folder,
        "b.toml",
        other + question(id='"ot-new"', text='"Estimate it."', aliases='["tt-old"]'),
    )
    report = sync_banks(db.session, load_banks(folder))
    db.session.commit()
    assert report.renamed == 1 and "1 moved under a new id" in report.summary()
    moved = db.session.scalar(db.select(Question).where(Question.key == "ot-new"))
    assert moved.id == old.id and moved.field.slug == "other-field"
    assert moved.archived_at is None and moved.aliases == ["tt-old"]
    assert db.session.scalar(db.select(Attempt.question_id)) == moved.id
