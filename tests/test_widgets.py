"""The fast attribute writer writes exactly what WTForms' own does."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import RadioField
from wtforms.fields.choices import Choice
from wtforms.widgets import core

from mockint.practice.forms import AnswerForm, StartRoundForm
from mockint.review.forms import DrillForm
from mockint.widgets import (
    html_params,
    original_html_params,
    original_render_option,
    radio_options,
)

NAMES = st.sampled_from(
    ["id", "name", "class_", "for_", "data_live_search", "aria_describedby", "value"]
)
VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.none(),
    st.text(),
    st.text().map(Markup),  # trusted markup, quotes and all
)


# No deadline: CI runs two suites side by side, and a slow example is not a failure.
@settings(deadline=None)
@given(st.dictionaries(NAMES, VALUES, max_size=6))
def test_same_output_as_wtforms(attributes: dict[str, object]) -> None:
    assert html_params(**attributes) == original_html_params(**attributes)


def test_widgets_write_through_it(app: Flask) -> None:
    assert core.html_params is html_params  # create_app installed it
    page = app.test_client().get("/account/login").get_data(as_text=True)
    assert '<input autocapitalize="none" autocomplete="username" id="username"' in page


@settings(deadline=None)
@given(
    st.one_of(st.booleans(), st.integers(), st.none(), st.text()),
    st.one_of(st.none(), st.text()),
    st.booleans(),
)
def test_options_as_wtforms_writes_them(
    value: object, label: str | None, selected: bool
) -> None:
    choice = Choice(value, label, selected, {})
    assert core.Select.render_option(choice) == original_render_option(choice)


RADIO_LOOP = (
    "{% for option in field %}"
    '<label for="{{ option.id }}">{{ option() }} {{ option.label.text }}</label>'
    "{% if not loop.last %}\n{% endif %}{% endfor %}"
)


@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (AnswerForm, {}),
        (AnswerForm, {"rating": "3"}),
        (DrillForm, {"size": "10"}),
        (StartRoundForm, {"level": "senior"}),
        (StartRoundForm, {"size": "not a number"}),
    ],
)
def test_radio_options_as_iterating_the_field_writes_them(
    app: Flask, form_class: type[FlaskForm], data: dict[str, str]
) -> None:
    with app.test_request_context(method="POST", data=data):
        form = form_class(meta={"csrf": False})
        form.validate()
        radio_fields = [field for field in form if isinstance(field, RadioField)]
        assert radio_fields
        for field in radio_fields:
            written_by_jinja = app.jinja_env.from_string(RADIO_LOOP).render(field=field)
            assert radio_options(field) == written_by_jinja
