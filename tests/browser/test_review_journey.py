"""Review weak questions in real Chromium: ranking, drill, charts, time zone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

NEXT = re.compile("Next question|See the round summary")


def answer_current_question(page: Page, key: str) -> str:
    """Rate the question on screen with the keyboard; return its text."""
    page.locator("#timer").wait_for(state="visible")
    text = page.locator("h1.question-heading").inner_text()
    page.keyboard.press(key)
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="What a strong answer covers")
    ).to_be_visible()
    return text


def test_low_rated_lead_then_drill_and_charts(page: Page) -> None:
    page.goto("/fields/alpha-field")
    page.get_by_label("5 questions").check()
    page.get_by_role("button", name="Start a practice round").click()
    rated: dict[str, str] = {}
    for key in ("4", "1", "4", "2", "3"):
        rated[answer_current_question(page, key)] = key
        expect(page.get_by_role("button", name=NEXT)).to_be_focused()
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Round summary")).to_be_visible()

    page.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Still tripping you up")).to_be_visible()
    items = page.locator(".weak-item .question-text")
    expect(items).to_have_count(5)
    leading = [items.nth(i).inner_text() for i in range(2)]
    assert [rated[text] for text in leading] == ["1", "2"]
    expect(page.locator(".weak-item").first.locator("svg.sparkline")).to_be_visible()

    page.get_by_label("5 questions").check()
    page.get_by_role("button", name="Drill these now").click()
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    assert rated[page.locator("h1.question-heading").inner_text()] == "1"

    page.get_by_role("link", name="Progress", exact=True).click()
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(1)  # one week, one field
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 50
    expect(page.locator("svg.calendar rect.level-3")).to_have_count(0)
    expect(page.locator("svg.calendar rect.level-2")).to_have_count(1)
    expect(page.get_by_text(re.compile(r"Current streak: 1 day"))).to_be_visible()


def test_browser_time_zone_is_sent(
    page: Page, browser: object, live_server: object
) -> None:
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo")
    tokyo = context.new_page()
    tokyo.goto("/fields/alpha-field")
    tokyo.get_by_role("button", name="Practise this one").first.click()
    tokyo.locator("#timer").wait_for(state="visible")
    tokyo.wait_for_load_state("networkidle")  # the zone is posted in the background
    tokyo.goto("/account/settings")
    expect(tokyo.locator("select#timezone")).to_have_value("Asia/Tokyo")
    context.close()
