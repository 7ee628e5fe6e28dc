"""A visitor in Tokyo plans an interview, ticks its checklist, starts the practice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from playwright.sync_api import expect

from mockint.extensions import db
from mockint.models import UpcomingInterview, User


def test_a_visitor_plans_in_their_browsers_zone(
    browser: object, live_server: object, app: Flask
) -> None:
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo")
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_role("link", name="I have an interview").click()
        expect(page.locator("#time-help")).to_have_text("Your time zone: Asia/Tokyo.")
        tokyo_today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Tokyo")).date()
        day = tokyo_today + timedelta(days=2)
        page.locator("#day").fill(day.isoformat())
        page.locator("#time").fill("09:00")
        page.get_by_label("Company (optional)").fill("Acme")
        page.get_by_label("Alpha Field").check()
        page.get_by_role("button", name="Make the plan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Interview with Acme")
        expect(
            page.get_by_text(f"In 2 days, {day.strftime('%A')} 09:00")
        ).to_be_visible()
        with app.app_context():
            plan = db.session.scalars(db.select(UpcomingInterview)).one()
            assert plan.starts_at == datetime(
                day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Asia/Tokyo")
            )
            assert db.session.get(User, plan.user_id).timezone == "Asia/Tokyo"

        page.get_by_label("Prepare 2-3 questions to ask them.").check()
        page.get_by_role("button", name="Save ticks").click()
        expect(page.get_by_text("1 of 4 done")).to_be_visible()
        expect(page.get_by_label("Prepare 2-3 questions to ask them.")).to_be_checked()

        page.goto("/")
        lead = page.locator("article.plan-lead")
        expect(lead).to_contain_text("Interview with Acme in 2 days")
        expect(lead).to_contain_text(
            "Today's practice: 6 questions (0 to review, 6 new)"
        )
        lead.get_by_role("button", name="Start today's practice").click()
        expect(page.get_by_text("Question 1 of 6")).to_be_visible()
    finally:
        context.close()
