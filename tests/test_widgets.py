"""The fast attribute writer writes exactly what WTForms' own does."""

from __future__ import annotations

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms.fields.choices import Choice
from wtforms.widgets import core

from mockint.widgets import html_params, original_html_params, original_render_option

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


@given(st.dictionaries(NAMES, VALUES, max_size=6))
def test_same_output_as_wtforms(attributes: dict[str, object]) -> None:
    assert html_params(**attributes) == original_html_params(**attributes)


def test_widgets_write_through_it(app: Flask) -> None:
    assert core.html_params is html_params  # create_app installed it
    page = app.test_client().get("/account/login").get_data(as_text=True)
    assert '<input autocapitalize="none" autocomplete="username" id="username"' in page


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
