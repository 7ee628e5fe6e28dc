"""Forms for planning an upcoming interview and editing its checklist."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from mockint.localtime import is_valid_zone
from mockint.models import UpcomingInterview
from mockint.upcoming import MAX_CHECKLIST_ITEMS, MAX_ITEM_LENGTH

MAX_NAME_LENGTH = 120  # the company and role columns
FURTHEST_AHEAD = timedelta(days=366)
EARLIEST_YEAR = 2000


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DayField(DateField):
    """A date input that shows nothing for text that was not a date."""

    # A browser's date input only ever sends YYYY-MM-DD; echoing anything else
    # into value="" would be invalid HTML.
    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


class ClockField(TimeField):
    """A time input that shows nothing for text that was not a time."""

    def _value(self) -> str:
        return self.data.strftime("%H:%M") if self.data else ""


class PlanForm(FlaskForm):
    """When the interview is, with whom, and which fields to focus on."""

    day = DayField("Date", validators=[InputRequired("Give the interview's date.")])
    time = ClockField(
        "Time it starts", validators=[InputRequired("Give the time it starts.")]
    )
    company = StringField(
        "Company (optional)",
        validators=[
            Optional(),
            Length(max=MAX_NAME_LENGTH, message="Keep it under 120 characters."),
        ],
    )
    role = StringField(
        "Role (optional)",
        validators=[
            Optional(),
            Length(max=MAX_NAME_LENGTH, message="Keep it under 120 characters."),
        ],
    )
    focus = CheckboxesField("Fields to focus on")
    # The zone the date and time are read in: the one the page was shown in,
    # or for a visitor (no profile, so no stored zone yet) the browser's.
    zone = HiddenField()

    def reading_zone(self, fallback: ZoneInfo) -> ZoneInfo:
        """The zone the form was filled in, if it names a real one."""
        name = self.zone.data or ""
        return ZoneInfo(name) if is_valid_zone(name) else fallback

    def set_fields(self, choices: list[tuple[str, str]]) -> None:
        """Offer these (slug, name) fields as focus choices."""
        self.focus.choices = choices

    def validate_focus(self, field: CheckboxesField) -> None:
        """At least one field, and only offered ones."""
        if not field.data:
            raise ValidationError("Choose at least one field to practise for it.")

    def starts_at(self, zone: ZoneInfo) -> datetime:
        """The moment the user typed, read in their zone."""
        return datetime.combine(self.day.data, self.time.data, tzinfo=zone)

    def check_moment(
        self, zone: ZoneInfo, now: datetime, plan: UpcomingInterview | None
    ) -> bool:
        """Refuse a moment already past (unless an edit keeps it) or too far."""
        # Compare dates before building a moment: year 1 or 9999 in a zone
        # would overflow on the way to UTC.
        if self.day.data > (now + FURTHEST_AHEAD).date():
            self.day.errors = [
                *self.day.errors,
                "Plans reach up to a year ahead: give a nearer date.",
            ]
            return False
        if self.day.data.year < EARLIEST_YEAR or (
            self.starts_at(zone) <= now
            and (plan is None or self.starts_at(zone) != plan.starts_at)
        ):
            self.time.errors = [
                *self.time.errors,
                "That moment has passed: give when the interview starts.",
            ]
            return False
        return True

    def strip(self) -> tuple[str, str]:
        """The company and role without surrounding spaces."""
        return (self.company.data or "").strip(), (self.role.data or "").strip()


class ChecklistTicksForm(FlaskForm):
    """Which checklist items are done."""

    done = CheckboxesField("Done", coerce=int, validate_choice=True)

    def set_items(self, count: int) -> None:
        """Accept the positions of the plan's items."""
        self.done.choices = [(index, str(index)) for index in range(count)]


class ChecklistItemForm(Form):
    """One item of the checklist: its text, and whether to remove it."""

    text = StringField(
        "Item",
        validators=[
            Length(max=MAX_ITEM_LENGTH, message="Keep an item under 300 characters.")
        ],
    )
    remove = BooleanField("Remove")


class ChecklistForm(FlaskForm):
    """Edit the checklist's items, remove some, add one."""

    items = FieldList(FormField(ChecklistItemForm), max_entries=MAX_CHECKLIST_ITEMS)
    added = StringField(
        "Add an item",
        validators=[
            Optional(),
            Length(max=MAX_ITEM_LENGTH, message="Keep an item under 300 characters."),
        ],
    )

    def texts(self) -> list[str]:
        """The items' texts, stripped; a removed or emptied item is empty."""
        return [
            "" if entry.remove.data else (entry.text.data or "").strip()
            for entry in self.items
        ]
