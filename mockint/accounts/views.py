"""Accounts: save a guest's progress, log in and out, merge guest history."""

from __future__ import annotations

from math import ceil

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import logout_user
from sqlalchemy.exc import IntegrityError

from mockint.accounts.forms import ConfirmForm, LoginForm, SignupForm
from mockint.extensions import db
from mockint.identity import (
    authenticate,
    current_profile,
    guest_attempt_count,
    hash_password,
    merge_guest_into,
    sign_in,
    username_taken,
)
from mockint.models import User, utcnow
from mockint.throttling import login_blocked_until, record_failed_login

bp = Blueprint("accounts", __name__, url_prefix="/account")

PENDING_MERGE = "pending_merge_guest_id"


def _safe_next(target: str | None) -> str:
    """Only follow redirects to paths on this site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("practice.home")


@bp.route("/save", methods=["GET", "POST"])
def signup() -> ResponseReturnValue:
    """Save my progress: turn the guest profile into an account."""
    profile = current_profile()
    if profile is not None and not profile.is_guest:
        flash("You are already logged in.")
        return redirect(url_for("practice.home"))
    form = SignupForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        if username_taken(username):
            form.username.errors.append("That username is taken; choose another.")
        else:
            user = profile or User()
            user.username = username
            user.password_hash = hash_password(form.password.data)
            user.rotate_login_id()
            db.session.add(user)
            try:
                db.session.commit()
            except IntegrityError:  # someone took the name a moment ago
                db.session.rollback()
                form.username.errors.append("That username is taken; choose another.")
                return render_template(
                    "accounts/signup.html", form=form, guest=current_profile()
                ), 400
            sign_in(user)
            flash(f"Saved. Your progress now lives in the account {username}.")
            return redirect(url_for("practice.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/signup.html", form=form, guest=profile), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Log in; a guest with history is offered to merge it."""
    form = LoginForm()
    if not form.is_submitted():
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        address = request.remote_addr or "unknown"
        now = utcnow()
        blocked_until = login_blocked_until(db.session, username, address, now)
        if blocked_until is not None:
            minutes = max(1, ceil((blocked_until - now).total_seconds() / 60))
            form.password.errors.append(
                f"Too many failed logins. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}."
            )
            return render_template("accounts/login.html", form=form), 429
        user = authenticate(username, form.password.data)
        if user is None:
            record_failed_login(db.session, username, address, now)
            db.session.commit()
            form.password.errors.append("Unknown username or wrong password.")
        else:
            previous = current_profile()
            sign_in(user)
            if (
                previous is not None
                and previous.is_guest
                and guest_attempt_count(previous.id) > 0
            ):
                session[PENDING_MERGE] = previous.id
                return redirect(url_for("accounts.merge"))
            flash(f"Welcome back, {user.username}.")
            return redirect(_safe_next(form.next.data))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/merge", methods=["GET", "POST"])
def merge() -> ResponseReturnValue:
    """Offer to move the guest history into the account just logged in to."""
    profile = current_profile()
    guest_id = session.get(PENDING_MERGE)
    if profile is None or profile.is_guest or guest_id is None:
        return redirect(url_for("practice.home"))
    form = ConfirmForm()
    if form.validate_on_submit():
        choice = request.form.get("choice")
        if choice == "merge":
            moved = merge_guest_into(guest_id, profile.id)
            db.session.commit()
            flash(f"Added {moved} guest answers to your account.")
        else:
            flash("Your guest answers were left out of this account.")
        session.pop(PENDING_MERGE, None)
        return redirect(url_for("practice.home"))
    return render_template(
        "accounts/merge.html", form=form, attempts=guest_attempt_count(guest_id)
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out and forget the session."""
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember cookie
    flash("You are logged out.")
    return redirect(url_for("practice.home"))
