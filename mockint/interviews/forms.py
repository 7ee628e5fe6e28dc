"""Forms of the friend interview: set-up, question picking, scoring, self-rating."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Field,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from mockint.banks import KINDS
from mockint.interviewing.links import LINK_LIFETIMES_DAYS
from mockint.interviewing.live import MAX_FEEDBACK_LENGTH, Score
from mockint.interviewing.questions import MAX_QUESTIONS, METHODS, MIN_QUESTIONS
from mockint.models import RATING_LABELS, InterviewItem
from mockint.practice.forms import level_choices

MAX_NAME_LENGTH = 40
MAX_PICKS = 50  # more than any debrief holds; the interview keeps MAX_QUESTIONS
MAX_KEY_LENGTH = 80  # questions.key


class HiddenValuesWidget:
    """One hidden input per value, so a list travels through the form unseen."""

    input_type = "hidden"  # so the hidden_fields macro renders it

    def __call__(self, field: Field, **kwargs: object) -> Markup:
        """The hidden inputs, one per value."""
        return Markup("").join(
            Markup('<input type="hidden" name="{}" value="{}">').format(
                field.name, escape(value)
            )
            for value in field.data or ()
        )


class HiddenListField(Field):
    """A list of texts carried in hidden inputs (e.g. question keys)."""

    widget = HiddenValuesWidget()

    def process_formdata(self, valuelist: list[str]) -> None:
        """Keep every submitted value, in order."""
        self.data = list(valuelist)

    def pre_validate(self, form: Form) -> None:
        """Refuse lists no page of ours sends."""
        values = self.data or []
        if len(values) > MAX_PICKS or any(len(v) > MAX_KEY_LENGTH for v in values):
            raise ValidationError("Too many or malformed picked questions.")


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _at_least_one(form: Form, field: SelectMultipleField) -> None:
    # Not DataRequired: its "required" flag would mark every checkbox required.
    if not field.data:
        raise ValidationError("Choose at least one field.")


class InterviewSetupForm(FlaskForm):
    """Set up a mock interview: which questions, for whom, and the link's life."""

    fields = CheckboxListField("Fields", validators=[_at_least_one])
    level = SelectField("Level", choices=level_choices(), validators=[Optional()])
    count = IntegerField(
        "Number of questions",
        default=5,
        validators=[
            InputRequired("Say how many questions."),
            NumberRange(
                MIN_QUESTIONS,
                MAX_QUESTIONS,
                f"Choose between {MIN_QUESTIONS} and {MAX_QUESTIONS} questions.",
            ),
        ],
    )
    method = RadioField(
        "How to pick them",
        choices=[SelectChoice(value, label) for value, label in METHODS.items()],
        default="weakest",
        validators=[InputRequired("Choose how to pick the questions.")],
    )
    candidate_name = StringField(
        "Your name, as your interviewer will see it",
        validators=[
            DataRequired("Type the name your interviewer should call you."),
            Length(
                max=MAX_NAME_LENGTH, message=f"At most {MAX_NAME_LENGTH} characters."
            ),
        ],
    )
    show_text = BooleanField("Show the question text on my screen", default=True)
    # Question keys chosen on another page (a debrief's stumpers), in order.
    pick = HiddenListField(default=list)
    # A random id per filled-in form: submitting the same form again (a reload of
    # the share page) finds the interview it made instead of making a second.
    setup_id = HiddenField(validators=[Optional(), Length(max=40)])
    link_days = RadioField(
        "The link works for",
        choices=[
            SelectChoice(str(days), f"{days} day{'s' if days > 1 else ''}")
            for days in LINK_LIFETIMES_DAYS
        ],
        default="7",
        coerce=int,
        validators=[InputRequired("Choose how long the link works.")],
    )

    def use_picks(self, count: int) -> None:
        """The questions are picked already: hand-picked, whatever was sent."""
        # raw_data too, since InputRequired looks at what was submitted.
        self.method.data, self.method.raw_data = "hand-picked", ["hand-picked"]
        count = min(max(count, MIN_QUESTIONS), MAX_QUESTIONS)
        self.count.data, self.count.raw_data = count, [str(count)]

    def validate_candidate_name(self, field: StringField) -> None:
        """Refuse names that are only invisible or control characters."""
        if field.data and not any(
            c.isprintable() and not c.isspace() for c in field.data
        ):
            raise ValidationError("Type the name your interviewer should call you.")


class PickerFilterForm(FlaskForm):
    """Search the questions to hand-pick (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField("Words in the question", validators=[Optional(), Length(max=100)])
    field = SelectField("Field", validators=[Optional()])
    kind = SelectField(
        "Kind",
        choices=[SelectChoice("", "All kinds")]
        + [SelectChoice(kind, kind.capitalize()) for kind in KINDS],
        validators=[Optional()],
    )


class PickerChangeForm(FlaskForm):
    """Add, remove or move a question in the hand-picked list."""

    action = HiddenField(validators=[DataRequired()])
    key = HiddenField(validators=[Optional(), Length(max=80)])
    position = HiddenField(validators=[Optional()])

    def validate_action(self, field: HiddenField) -> None:
        """Only the four known changes."""
        if field.data not in {"add", "remove", "up", "down"}:
            raise ValidationError("Unknown change.")

    def chosen_position(self) -> int | None:
        """The position the change applies to, if a valid number."""
        value = self.position.data or ""
        return int(value) if value.isdigit() and len(value) < 4 else None


class InterviewRecordingForm(FlaskForm):
    """One recorded answer of the candidate's, sent when the interview ends."""

    position = IntegerField(
        validators=[InputRequired(), NumberRange(min=1, max=MAX_QUESTIONS)]
    )
    recording = FileField(validators=[FileRequired("No recording was sent.")])


ACTIONS = frozenset({"begin", "timer", "reveal", "save", "next", "previous", "end"})
SCORING_ACTIONS = frozenset({"save", "next", "previous", "end"})


class ControlForm(Form):
    """Any change the interviewer makes, with the version it was made from."""

    action = HiddenField()
    version = IntegerField(validators=[InputRequired(), NumberRange(1, 2**31 - 1)])

    def validate_action(self, field: HiddenField) -> None:
        """Only the known actions."""
        if field.data not in ACTIONS:
            raise ValidationError("Unknown action.")


class ScoreForm(Form):
    """The interviewer's scoring of the question on screen."""

    position = IntegerField(validators=[InputRequired(), NumberRange(1, MAX_QUESTIONS)])
    covered = CheckboxListField(coerce=int, validators=[Optional()])
    asked = CheckboxListField(coerce=int, validators=[Optional()])
    rating = RadioField(
        "How did the answer go?",
        choices=[SelectChoice(str(v), label) for v, label in RATING_LABELS.items()],
        coerce=int,
        validators=[Optional()],
    )
    feedback = TextAreaField(
        "Feedback: what worked, what to change",
        validators=[
            Length(
                max=MAX_FEEDBACK_LENGTH,
                message=f"At most {MAX_FEEDBACK_LENGTH} characters.",
            )
        ],
    )

    def fit_to(self, item: InterviewItem) -> ScoreForm:
        """Offer the item's guidance points and follow-ups as the choices."""
        self.covered.choices = [
            SelectChoice(str(i), point) for i, point in item.question.strong_points
        ]
        self.asked.choices = [
            SelectChoice(str(i), text)
            for i, text in enumerate(item.question.follow_ups)
        ]
        return self

    def score(self) -> Score:
        """The scoring as entered."""
        return Score(
            covered=tuple(self.covered.data or ()),
            follow_ups_asked=tuple(self.asked.data or ()),
            rating=self.rating.data or None,
            feedback=self.feedback.data or "",
        )


def score_form_for(item: InterviewItem, formdata: MultiDict | None = None) -> ScoreForm:
    """A scoring form for the item, filled from the post or from what is stored."""
    if formdata is not None:
        return ScoreForm(formdata=formdata).fit_to(item)
    form = ScoreForm(
        position=item.position,
        covered=list(item.covered),
        asked=list(item.follow_ups_asked),
        rating=item.rating,
        feedback=item.feedback,
    )
    return form.fit_to(item)


def self_ratings_from(
    formdata: MultiDict, items: list[InterviewItem]
) -> tuple[dict[int, int | None], set[int]] | None:
    """The candidate's self-ratings and kept feedback, or None if malformed."""
    ratings: dict[int, int | None] = {}
    keep: set[int] = set()
    for item in items:
        value = formdata.get(f"self-{item.position}", "")
        if value == "":
            ratings[item.position] = None
        elif value in {"1", "2", "3", "4"}:
            ratings[item.position] = int(value)
        else:
            return None
        if formdata.get(f"keep-{item.position}") == "y":
            keep.add(item.position)
    return ratings, keep
