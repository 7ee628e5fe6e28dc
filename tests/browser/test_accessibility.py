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
NEXT_OR_END = re.compile("^(Next question|End the interview)$")


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


def visit_interview_pages(candidate: Page, interviewer: Page) -> list[str]:
    """Both sides of a mock interview with a friend; return the violations."""
    found: list[str] = []

    def check(page: Page) -> None:
        found.extend(violations(page))

    candidate.goto("/interviews")
    check(candidate)
    candidate.goto("/interviews/new")
    check(candidate)
    candidate.get_by_role("button", name="Create the interview").click()
    expect(candidate.get_by_role("alert").first).to_be_visible()
    check(candidate)  # refused: no field chosen, no name
    candidate.get_by_label("Alpha Field").check()
    candidate.get_by_label("Number of questions").fill("3")
    candidate.get_by_label("Hand-picked").check()
    candidate.get_by_label("Your name, as your interviewer will see it").fill("Sam")
    candidate.get_by_label("Show the question text on my screen").uncheck()
    candidate.get_by_role("button", name="Create the interview").click()
    expect(candidate.get_by_role("heading", name="Pick the questions")).to_be_visible()
    for _ in range(3):
        candidate.get_by_role("button", name=re.compile("^Add: ")).first.click()
    check(candidate)  # the picker with three chosen
    candidate.get_by_role("button", name="Done: make the interviewer link").click()
    link = candidate.locator("#interviewer-link").input_value()
    check(candidate)  # the share page with its QR code
    candidate.get_by_role("button", name="Go to my screen").click()
    expect(candidate).to_have_url(re.compile(r"/interviews/[^/]+$"))
    screen = candidate.url
    check(candidate)  # waiting, with the links table
    candidate.goto(f"{screen}/sheet")
    check(candidate)

    interviewer.goto(link)
    check(interviewer)  # the intro
    interviewer.get_by_role("button", name="Begin the interview").click()
    expect(interviewer.locator("html")).to_have_attribute(
        "data-interviewer-ready", "true"
    )
    interviewer.get_by_role("button", name="Start the clock").click()
    expect(interviewer.get_by_role("button", name="Stop the clock")).to_be_visible()
    check(interviewer)  # a question, the clock running
    candidate.goto(screen)
    expect(candidate.get_by_text("Listen to your interviewer.")).to_be_visible()
    check(candidate)  # live, spoken only
    for position, rating in enumerate(("Solid", "Shaky", "Nailed it"), start=1):
        # Each question in turn: rating the next one before it has arrived would
        # tick the old page's buttons (the CI failure of this test).
        expect(interviewer.locator("[data-live-progress]")).to_have_text(
            f"Question {position} of 3"
        )
        expect(interviewer.locator("html")).to_have_attribute(
            "data-interviewer-ready", "true"
        )
        interviewer.get_by_label(rating, exact=True).check()
        interviewer.get_by_role("button", name=NEXT_OR_END).first.click()
    expect(
        interviewer.get_by_role("heading", name=re.compile("Thank you"))
    ).to_be_visible()
    check(interviewer)  # the interviewer's summary
    # The candidate's live screen turns into the summary by itself (navigating
    # it meanwhile would race its own reload).
    expect(
        candidate.get_by_role("heading", name="How your interview went")
    ).to_be_visible(timeout=10_000)
    candidate.get_by_label("Solid", exact=True).first.check()
    candidate.get_by_role("button", name="Save my ratings").click()
    expect(candidate.get_by_text("On average you rate yourself")).to_be_visible()
    check(candidate)  # the candidate's summary, calibrated
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_interview_pages_pass_axe(
    browser: object, live_server: object, scheme: str
) -> None:
    contexts = [
        browser.new_context(base_url=live_server.url, color_scheme=scheme)
        for _ in range(2)
    ]
    try:
        candidate, interviewer = (context.new_page() for context in contexts)
        assert visit_interview_pages(candidate, interviewer) == []
    finally:
        for context in contexts:
            context.close()


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
