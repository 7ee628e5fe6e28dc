"""Forms for my own questions and debriefs."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from mockint.banks import KINDS, LEVELS
from mockint.models import DEBRIEF_KINDS
from mockint.own_questions import (
    MAX_POINT_LENGTH,
    MAX_POINTS,
    MAX_TEXT_LENGTH,
    QuestionDraft,
    lines_of,
)
from mockint.practice.forms import level_choices

TARGET_CHOICES = (60, 90, 120, 150, 180, 240, 300)
# A select always has an option chosen, so the browser's `required` adds nothing
# (and needs a placeholder option to be valid HTML); the server still requires.
SELECT_KW = {"required": False}
MAX_DEBRIEF_TEXT = 5000
LINES_LENGTH = MAX_POINTS * (MAX_POINT_LENGTH + 2)


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


class DayField(DateField):
    """A date input that re-renders empty rather than with text it cannot show."""

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


class OwnQuestionForm(FlaskForm):
    """Add or edit a private question."""

    text = TextAreaField(
        "The question",
        validators=[
            InputRequired("Write the question as the interviewer asked it."),
            Length(
                max=MAX_TEXT_LENGTH, message="Keep the question under 1,000 characters."
            ),
        ],
        render_kw={"rows": 3},
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(kind, kind.capitalize()) for kind in KINDS],
        default="behavioral",
        validators=[InputRequired("Choose a kind.")],
        render_kw=SELECT_KW,
    )
    level = SelectField(
        "Level",
        choices=level_choices(any_level=False),
        default="experienced",
        # A form sent without it (an old tab) keeps the default.
        validators=[AnyOf(LEVELS, message="Choose a level from the list.")],
        render_kw=SELECT_KW,
    )
    difficulty = RadioField(
        "Difficulty",
        choices=[
            SelectChoice(1, "Easy"),
            SelectChoice(2, "Medium"),
            SelectChoice(3, "Hard"),
        ],
        coerce=int,
        default=2,
        validators=[InputRequired("Choose a difficulty.")],
    )
    target_seconds = SelectField(
        "Target time",
        choices=[SelectChoice(s, _minutes(s)) for s in TARGET_CHOICES],
        coerce=int,
        default=120,
        validators=[InputRequired("Choose a target time.")],
        render_kw=SELECT_KW,
    )
    guidance = TextAreaField(
        "What a strong answer covers (optional)",
        validators=[Optional(), Length(max=LINES_LENGTH)],
        render_kw={"rows": 4},
    )
    follow_ups = TextAreaField(
        "Follow-up questions (optional)",
        validators=[Optional(), Length(max=LINES_LENGTH)],
        render_kw={"rows": 3},
    )
    add_anyway = BooleanField("It is a different question: add mine anyway")

    def draft(self) -> QuestionDraft:
        """The checked values as a QuestionDraft."""
        return QuestionDraft(
            text=self.text.data or "",
            kind=self.kind.data,
            level=self.level.data,
            difficulty=self.difficulty.data,
            target_seconds=self.target_seconds.data,
            guidance_points=lines_of(self.guidance.data or ""),
            follow_ups=lines_of(self.follow_ups.data or ""),
        )


class DebriefForm(FlaskForm):
    """Every part of a debrief; all optional but the date, saved as a draft."""

    company = StringField(
        "Company (optional)", validators=[Optional(), Length(max=120)]
    )
    role = StringField("Role (optional)", validators=[Optional(), Length(max=120)])
    interview_on = DayField(
        "Date of the interview",
        validators=[InputRequired("Give the date of the interview.")],
    )
    kind = SelectField(
        "Kind of interview",
        choices=[SelectChoice(key, label) for key, label in DEBRIEF_KINDS.items()],
        default="other",
        validators=[InputRequired("Choose the kind of interview.")],
        render_kw=SELECT_KW,
    )
    what_happened = TextAreaField(
        "What happened, in plain words",
        validators=[Optional(), Length(max=MAX_DEBRIEF_TEXT)],
        render_kw={"rows": 5},
    )
    stumpers_text = TextAreaField(
        "Which questions stumped you or tied your tongue? One per line.",
        validators=[Optional(), Length(max=MAX_DEBRIEF_TEXT)],
        render_kw={"rows": 5},
    )
    learned = TextAreaField(
        "What you learned",
        validators=[Optional(), Length(max=MAX_DEBRIEF_TEXT)],
        render_kw={"rows": 4},
    )
    feedback = TextAreaField(
        "Feedback you got, or could ask for",
        validators=[Optional(), Length(max=MAX_DEBRIEF_TEXT)],
        render_kw={"rows": 4},
    )
    went_well = TextAreaField(
        "One thing that went well",
        validators=[Optional(), Length(max=MAX_DEBRIEF_TEXT)],
        render_kw={"rows": 3},
    )
    next_interview_on = DayField(
        "Date of your next interview, if you have one", validators=[Optional()]
    )
