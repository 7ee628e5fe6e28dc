"""Forms for practising alone."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from mockint.banks import KINDS, LEVELS
from mockint.models import LEVEL_LABELS, RATING_LABELS
from mockint.outlines import MAX_OUTLINE_LENGTH
from mockint.rounds import MAX_ELAPSED_SECONDS, MAX_NOTE_LENGTH, ROUND_SIZES


def level_choices(any_level: bool = True) -> list[SelectChoice]:
    """The choices of a level field, led by "Any level" if wanted."""
    levels = [SelectChoice(value, label) for value, label in LEVEL_LABELS.items()]
    return [SelectChoice("", "Any level"), *levels] if any_level else levels


class QuestionFilterForm(FlaskForm):
    """Filter a field's questions (GET, no CSRF)."""

    class Meta:
        csrf = False

    kind = SelectField(
        "Kind",
        choices=[SelectChoice("", "All kinds")]
        + [SelectChoice(kind, kind.capitalize()) for kind in KINDS],
        validators=[Optional()],
    )
    difficulty = SelectField(
        "Difficulty",
        choices=[
            SelectChoice(value, label)
            for value, label in [
                ("", "Any difficulty"),
                ("1", "Easy"),
                ("2", "Medium"),
                ("3", "Hard"),
            ]
        ],
        validators=[Optional()],
    )

    level = SelectField(
        "Level",
        choices=level_choices(),
        validators=[Optional()],
    )

    def selected(self) -> tuple[str | None, int | None, str | None]:
        """Return the valid filters chosen (kind, difficulty, level)."""
        kind = self.kind.data if self.kind.data in KINDS else None
        chosen = self.difficulty.data
        difficulty = int(chosen) if chosen in ("1", "2", "3") else None
        level = self.level.data if self.level.data in LEVELS else None
        return kind, difficulty, level


class StartRoundForm(FlaskForm):
    """Start a round of several questions, at one level or any."""

    size = RadioField(
        "How many questions?",
        choices=[SelectChoice(size, f"{size} questions") for size in ROUND_SIZES],
        coerce=int,
        default=5,
        validators=[InputRequired("Choose how many questions.")],
    )
    level = RadioField(
        "Level",
        choices=level_choices(),
        default="",
        validators=[Optional()],
    )

    def chosen_level(self) -> str | None:
        """The level asked for, or None for any."""
        return self.level.data if self.level.data in LEVELS else None


class PostOnlyForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class RatingField(RadioField):
    """The four self-ratings, with a clear message for anything else."""

    def pre_validate(self, form: FlaskForm) -> None:
        """Accept only the ratings 1 to 4."""
        if self.data not in RATING_LABELS:
            self.errors[:] = []
            raise StopValidation("Rate your answer from 1 (Stumped) to 4 (Nailed it).")


class AnswerForm(FlaskForm):
    """Rate an answer, with the timer's measurement and a note."""

    rating = RatingField(
        "How did it go?",
        choices=[
            SelectChoice(value, f"{value} {label}")
            for value, label in RATING_LABELS.items()
        ],
        coerce=int,
        validators=[InputRequired("Rate your answer: 1 Stumped to 4 Nailed it.")],
    )
    elapsed_seconds = FloatField(
        "Seconds on the timer",
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_ELAPSED_SECONDS,
                message=(
                    "The time must be between 0 seconds and "
                    f"{MAX_ELAPSED_SECONDS // 3600} hours."
                ),
            ),
        ],
    )
    note = TextAreaField(
        "What I'd do differently (optional)",
        validators=[
            Length(
                max=MAX_NOTE_LENGTH,
                message=f"Keep the note under {MAX_NOTE_LENGTH:,} characters.",
            )
        ],
    )
    shown_token = HiddenField()
    # Filled by the page's recorder (mockint/static/js/recorder.js), checked by
    # mockint.recordings.check_upload: a refused file re-renders this form.
    recording = FileField("Recording of my answer")


class RecordingChoiceForm(FlaskForm):
    """Whether the question screen records spoken answers."""

    records_answers = BooleanField("Record my spoken answers")


class OutlineForm(FlaskForm):
    """My answer: the talking points of my best answer."""

    text = TextAreaField(
        "My answer: talking points",
        render_kw={"rows": 6},
        validators=[
            Length(
                max=MAX_OUTLINE_LENGTH,
                message=f"Keep the outline under {MAX_OUTLINE_LENGTH:,} characters.",
            )
        ],
    )
