"""Forms for reviewing weak questions."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import InputRequired, Optional

from mockint.banks import KINDS, LEVELS
from mockint.catalogue import FieldEntry
from mockint.models import Field
from mockint.practice.forms import level_choices

DRILL_SIZES = (5, 10)


class ReviewFilterForm(FlaskForm):
    """Narrow the review page to a field or a kind (GET, no CSRF)."""

    class Meta:
        csrf = False

    field = SelectField("Field", validators=[Optional()])
    kind = SelectField(
        "Kind",
        choices=[SelectChoice("", "All kinds")]
        + [SelectChoice(kind, kind.capitalize()) for kind in KINDS],
        validators=[Optional()],
    )

    level = SelectField(
        "Level",
        choices=level_choices(),
        validators=[Optional()],
    )
    recorded = BooleanField("Only questions I recorded")

    def set_fields(self, fields: Sequence[Field | FieldEntry]) -> None:
        """Offer the active fields."""
        self.field.choices = [SelectChoice("", "All fields")] + [
            SelectChoice(f.slug, f.name) for f in fields
        ]

    def field_choices(self) -> tuple[tuple[str, str], ...]:
        """The fields offered, as values (what the field select's markup depends on
        besides the chosen values)."""
        return tuple((choice.value, choice.label) for choice in self.field.choices)

    def selected(
        self, fields: Sequence[Field | FieldEntry]
    ) -> tuple[Field | FieldEntry | None, str | None, str | None]:
        """The chosen field, kind and level, ignoring anything unknown."""
        by_slug = {f.slug: f for f in fields}
        kind = self.kind.data if self.kind.data in KINDS else None
        level = self.level.data if self.level.data in LEVELS else None
        return by_slug.get(self.field.data or ""), kind, level


class DrillForm(FlaskForm):
    """Start a round of the weakest or due questions."""

    size = RadioField(
        "How many?",
        choices=[SelectChoice(n, f"{n} questions") for n in DRILL_SIZES],
        coerce=int,
        default=5,
        validators=[InputRequired("Choose how many questions to drill.")],
    )
    field = HiddenField()
    kind = HiddenField()
    level = HiddenField()
    recorded = HiddenField()
