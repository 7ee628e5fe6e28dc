"""Forms for saving progress as an account and logging in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp

PASSWORD_LENGTH = (8, 128)


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
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Choose a password."),
            Length(*PASSWORD_LENGTH, "A password has 8 to 128 characters."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Password again",
        validators=[
            InputRequired("Type the password again."),
            EqualTo("password", "The two passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


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
