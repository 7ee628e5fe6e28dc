"""Every page passes axe-core's checks (WCAG 2.2 A and AA), in light and dark."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

AXE = Axe()
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
}
NEXT = re.compile("Next question|See the round summary")


def violations(page: Page) -> list[str]:
    """axe's violations on the current page, one line each."""
    results = AXE.run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
    return [
        f"{page.url}: {v['id']} ({v['impact']}): "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def visit_every_page(page: Page) -> list[str]:
    """Walk the journeys, checking each page; return all violations found."""
    found: list[str] = []

    def check() -> None:
        found.extend(violations(page))

    page.goto("/")
    check()
    page.goto("/fields/alpha-field")
    check()
    page.get_by_label("3 questions").check()
    page.get_by_role("button", name="Start a practice round").click()
    expect(page.locator("#timer")).to_be_visible()
    page.keyboard.press("Space")
    check()
    for key in ("1", "3", "4"):
        expect(page.locator("#timer")).to_be_visible()
        page.keyboard.press(key)
        page.get_by_role("button", name="Submit rating").click()
        if key == "1":
            check()
        page.get_by_role("button", name=NEXT).click()
    check()  # the summary
    page.locator("table.summary-table a").first.click()
    check()  # a history page with its charts
    for path in (
        "/review",
        "/review/progress",
        "/account/settings",
        "/account/save",
        "/account/login",
        "/no-such-page",
        "/my-questions/new",
        "/debriefs",
        "/search?q=conflict",
    ):
        page.goto(path)
        check()
    # A debrief from start to finish, and the question it adds.
    page.goto("/debriefs/new")
    page.get_by_label("Company (optional)").fill("Initech")
    page.get_by_role("button", name="Start the debrief").click()
    page.get_by_label("Which questions stumped you").fill(
        "Walk me through a failed launch"
    )
    check()  # the draft
    page.get_by_role("button", name="Finish the debrief").click()
    expect(page.get_by_role("button", name="Practise these now")).to_be_visible()
    check()  # the finished debrief
    page.goto("/my-questions")
    check()
    # A plan for an interview: the form refused then accepted, the plan page,
    # its checklist, the delete question, the list, and home leading with it.
    page.goto("/plans/new")
    page.get_by_role("button", name="Make the plan").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check()
    in_four_days = datetime.now(UTC).date() + timedelta(days=4)
    page.locator("#day").fill(in_four_days.isoformat())
    page.locator("#time").fill("09:30")
    page.get_by_label("Company (optional)").fill("Acme")
    page.get_by_label("Alpha Field").check()
    page.get_by_role("button", name="Make the plan").click()
    expect(page.get_by_role("button", name="Start today's practice")).to_be_visible()
    check()
    plan = page.url
    for path in (f"{plan}/checklist", f"{plan}/delete", "/plans", "/"):
        page.goto(path)
        check()
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_pass_axe(browser: object, live_server: object, scheme: str) -> None:
    context = browser.new_context(base_url=live_server.url, color_scheme=scheme)
    page = context.new_page()
    try:
        assert visit_every_page(page) == []
    finally:
        context.close()


def test_bad_form_passes_axe(page: Page) -> None:
    page.goto("/account/save")
    page.get_by_role("button", name="Save my progress").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert violations(page) == []
