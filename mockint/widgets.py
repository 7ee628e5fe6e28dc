"""WTForms' attribute and option writers, made fast: same output, a fifth of the time.

Every WTForms widget writes its attributes through `wtforms.widgets.core.
html_params`, which formats each `name="value"` pair with `Markup.format` (a
string.Formatter walk per attribute). Profiles of the login page put two fifths
of the whole request there. This writes the same bytes with plain escaping;
tests/test_widgets.py checks it against WTForms' own for any attributes.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms import RadioField, widgets
from wtforms.widgets import core

from mockint.memo import Remembered

_original = core.html_params


# Attribute names as written (cleaned and escaped), by keyword: a form uses few.
_NAMES: dict[str, str] = {}


def html_params(**kwargs: Any) -> Markup:
    """Attributes as HTML, sorted by name, exactly as WTForms writes them."""
    params = []
    for name, value in sorted(kwargs.items()):
        key = _NAMES.get(name)
        if key is None:
            key = _NAMES.setdefault(name, str(escape(core.clean_key(name))))
        if value is True:
            params.append(key)
        elif value is not False:
            # A Markup value is not escaped again, so its quotes need replacing.
            text = str(escape(value)).replace('"', "&quot;")
            params.append(f'{key}="{text}"')
    return Markup(" ".join(params))


_original_render_option = core.Select.render_option


def render_option(cls: type[core.Select], choice: Any, **kwargs: Any) -> Markup:
    """An <option>, exactly as WTForms writes it, without a dictionary and a sort
    per option (a select of every field has fifteen)."""
    if kwargs or choice.render_kw:
        return _original_render_option.__func__(cls, choice, **kwargs)
    value = choice.value
    if isinstance(value, bool):
        value = str(value)
    text = str(escape(value)).replace('"', "&quot;")
    label = escape(choice.label or choice.value)
    selected = "selected " if choice.selected else ""
    return Markup(f'<option {selected}value="{text}">{label}</option>')


def _dispatch_render_option(cls: type[core.Select]) -> Any:
    # WTForms inspects render_option's signature on every render to support a
    # legacy one; ours is the current one.
    return cls.render_option


_RADIO_MARKUP: Remembered[tuple[Any, ...], Markup] = Remembered(limit=1024)


def radio_options(field: RadioField) -> Markup:
    """Each option of a radio field as `<label for=ID><input ...> Label</label>`,
    as iterating the field and rendering each option writes them, without the
    subfield WTForms builds for every option (four of them cost a tenth of the
    question screen). The markup depends only on the field's name, id, flags and
    options, so it is made once for each such value."""
    if field.render_kw:
        return _radio_options_by_iteration(field)
    shared = {"name": field.name, "type": "radio"}
    for flag in core.RadioInput.validation_attrs:
        value = getattr(field.flags, flag, None)
        if value is not None and value is not False:
            shared[flag] = value() if callable(value) else value
    choices = list(field._iter_choices_normalized())
    if any(choice.render_kw for choice in choices):
        return _radio_options_by_iteration(field)
    options = tuple((choice.value, choice.label, choice.selected) for choice in choices)
    key = (field.id, tuple(shared.items()), options)
    return _RADIO_MARKUP.made(key, lambda: _radio_labels(field.id, shared, options))


def _radio_labels(
    field_id: str, shared: dict[str, Any], options: tuple[tuple[Any, Any, bool], ...]
) -> Markup:
    labels = []
    for index, (value, label, selected) in enumerate(options):
        option_id = f"{field_id}-{index}"
        attributes = {**shared, "id": option_id, "value": str(value)}
        if selected:
            attributes["checked"] = True
        labels.append(
            f'<label for="{escape(option_id)}"><input {html_params(**attributes)}> '
            f"{escape(label or value)}</label>"
        )
    return Markup("\n".join(labels))


def _radio_options_by_iteration(field: RadioField) -> Markup:
    return Markup(
        "\n".join(
            f'<label for="{escape(option.id)}">{option()} {escape(option.label.text)}'
            "</label>"
            for option in field
        )
    )


def install() -> None:
    """Make WTForms' widgets use the fast writer (idempotent).

    Most widgets call the module's function; Input and Button keep it as a
    static method of their own, and Label goes through the package's export.
    """
    core.html_params = html_params
    widgets.html_params = html_params
    core.Select.render_option = classmethod(render_option)
    core.Select._dispatch_render_option = classmethod(_dispatch_render_option)
    for widget in vars(core).values():
        if isinstance(widget, type) and "html_params" in vars(widget):
            widget.html_params = staticmethod(html_params)


def original_html_params(**kwargs: Any) -> Markup:
    """WTForms' own writer, for comparison."""
    return _original(**kwargs)


def original_render_option(choice: Any, **kwargs: Any) -> Markup:
    """WTForms' own <option> writer (with its own attribute writer), for comparison."""
    saved = core.html_params
    core.html_params = _original
    try:
        return _original_render_option.__func__(core.Select, choice, **kwargs)
    finally:
        core.html_params = saved
