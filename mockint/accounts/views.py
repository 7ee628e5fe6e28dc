"""Accounts: save a guest's progress, log in and out, merge guest history."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError

from mockint.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    SignupForm,
)
from mockint.accounts.settings import render_settings
from mockint.extensions import db
from mockint.identity import (
    authenticate,
    client_address,
    current_profile,
    current_session_id,
    guest_attempt_count,
    hash_password,
    merge_guest_into,
    sign_in,
    sign_out,
    username_taken,
)
from mockint.login_sessions import end_other_sessions, end_user_session
from mockint.models import User, utcnow
from mockint.redirects import local_path
from mockint.throttling import (
    login_blocked_until,
    minutes_until,
    rate_limited_until,
    record_event,
    record_failed_login,
    signup_limit,
)

bp = Blueprint("accounts", __name__, url_prefix="/account")

PENDING_MERGE = "pending_merge_guest_id"


def _safe_next(target: str | None) -> str:
    """Only follow redirects to paths on this site."""
    return local_path(target) or url_for("practice.home")


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
        now = utcnow()
        limit = signup_limit(current_app.config["SIGNUPS_PER_HOUR"])
        blocked_until = rate_limited_until(db.session, limit, client_address(), now)
        if blocked_until is not None:
            form.username.errors.append(
                "Too many accounts were made from your network just now. "
                f"Try again in {minutes_until(blocked_until, now)}."
            )
            return render_template(
                "accounts/signup.html", form=form, guest=profile
            ), 429
        record_event(db.session, limit, client_address(), now)
        db.session.commit()
        if username_taken(username):
            form.username.errors.append("That username is taken; choose another.")
        else:
            user = profile or User()
            user.username = username
            user.password_hash = hash_password(form.password.data)
            db.session.add(user)
            try:
                db.session.flush()
            except IntegrityError:  # someone took the name a moment ago
                db.session.rollback()
                form.username.errors.append("That username is taken; choose another.")
                return render_template(
                    "accounts/signup.html", form=form, guest=current_profile()
                ), 400
            sign_in(user)
            db.session.commit()
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
        address = client_address()
        now = utcnow()
        blocked_until = login_blocked_until(db.session, username, address, now)
        if blocked_until is not None:
            form.password.errors.append(
                "Too many failed logins for this username from your network. "
                f"Try again in {minutes_until(blocked_until, now)}."
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
            db.session.commit()
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
    """Log out: this browser's session ends, and its old cookies with it."""
    sign_out()
    db.session.commit()
    flash("You are logged out.")
    return redirect(url_for("practice.home"))


@bp.post("/sessions/<id:session_id>/end")
def end_session_view(session_id: int) -> ResponseReturnValue:
    """Sign out one of my other browsers."""
    profile = current_profile() or abort(404)
    if session_id == current_session_id():
        return logout()
    if not end_user_session(db.session, profile.id, session_id):
        abort(404)
    db.session.commit()
    flash("That browser is signed out.")
    return redirect(url_for("settings.page") + "#sessions-heading")


@bp.post("/sessions/end-others")
def end_other_sessions_view() -> ResponseReturnValue:
    """Sign out every browser but this one."""
    profile = current_profile() or abort(404)
    ended = end_other_sessions(db.session, profile.id, current_session_id())
    db.session.commit()
    flash(f"Signed out {ended} other browser{'s' if ended != 1 else ''}.")
    return redirect(url_for("settings.page") + "#sessions-heading")


@bp.post("/password")
def change_password() -> ResponseReturnValue:
    """Change my password; every other browser is signed out."""
    profile = current_profile()
    if profile is None or profile.is_guest:
        abort(404)
    username, address, now = profile.username or "", client_address(), utcnow()
    form = ChangePasswordForm(username=username)
    if not form.validate():
        return render_settings(password_form=form, status=400)
    # The current password is guessed like a login: the same per-pair limit.
    blocked_until = login_blocked_until(db.session, username, address, now)
    if blocked_until is not None:
        form.current.errors = [
            "Too many wrong passwords from your network. "
            f"Try again in {minutes_until(blocked_until, now)}."
        ]
        return render_settings(password_form=form, status=429)
    if authenticate(username, form.current.data) is None:
        record_failed_login(db.session, username, address, now)
        db.session.commit()
        form.current.errors = ["That is not your current password."]
        return render_settings(password_form=form, status=400)
    profile.password_hash = hash_password(form.password.data)
    ended = end_other_sessions(db.session, profile.id, current_session_id())
    db.session.commit()
    flash(
        f"Password changed. {ended} other browser"
        f"{'s were' if ended != 1 else ' was'} signed out."
    )
    return redirect(url_for("settings.page"))
