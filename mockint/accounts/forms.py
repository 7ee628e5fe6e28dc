"""Forms for saving progress as an account and logging in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp, ValidationError

from mockint.passwords import MAX_LENGTH, password_problem


def _new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Choose a password.")],
        render_kw={
            "autocomplete": "new-password",
            "minlength": 8,
            "maxlength": MAX_LENGTH,
        },
    )


def _refuse_weak(field: Field, username: str | None) -> None:
    problem = password_problem(field.data or "", username)
    if problem:
        raise ValidationError(problem)


class SignupForm(FlaskForm):
    """Turn the guest profile into an account (or create one)."""

    username = StringField(
        "Username",
        validators=[
            InputRequired("Choose a username."),
            Length(3, 32, "A username has 3 to 32 characters."),
            Regexp(
                r"^[A-Za-z0-9_.-]+$",
                message="Use letters, digits, dots, hyphens and underscores only.",
            ),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = _new_password_field("Password")
    confirm = PasswordField(
        "Password again",
        validators=[
            InputRequired("Type the password again."),
            EqualTo("password", "The two passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field: Field) -> None:
        """Refuse short, common and username-like passwords, saying why."""
        _refuse_weak(field, self.username.data)


class LoginForm(FlaskForm):
    """Log in to an account."""

    username = StringField(
        "Username",
        validators=[InputRequired("Enter your username."), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ConfirmForm(FlaskForm):
    """A confirmation button: only the CSRF token."""


class ChangePasswordForm(FlaskForm):
    """Change the password; the current one proves it is the owner."""

    current = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field("New password")
    confirm = PasswordField(
        "New password again",
        validators=[
            InputRequired("Type the new password again."),
            EqualTo("password", "The two passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, username: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._username = username

    def validate_password(self, field: Field) -> None:
        """Refuse short, common and username-like passwords, saying why."""
        _refuse_weak(field, self._username)
