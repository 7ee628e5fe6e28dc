"""A mock interview with a friend in real Chromium: two browsers, one interview.

The candidate and the interviewer each get their own browser context (their own
cookies), as on two devices. The candidate's screen must follow each of the
interviewer's steps within 2 seconds, without a reload.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

FOLLOW_MS = 2000  # the bar: the candidate's screen follows within 2 s
TOKEN_URL = re.compile(r"/i/([A-Za-z0-9_-]{40,})$")


@dataclass
class Side:
    """One person's browser: its context, every request it made, its errors."""

    context: BrowserContext
    urls: list[str] = field(default_factory=list)
    referers: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def record(self) -> None:
        """Keep every request's URL, and its Referer as actually sent."""
        self.context.on("request", lambda request: self.urls.append(request.url))
        self.context.on("requestfinished", self.keep_referer)

    def keep_referer(self, request: Request) -> None:
        """The Referer header on the wire (the raw headers, read once answered)."""
        self.referers.append(request.all_headers().get("referer", ""))

    def new_page(self) -> Page:
        """A tab that reports script errors (a 404 or 409 answer is expected)."""
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                self.errors.append(message.text)
                if message.type == "error"
                and "Failed to load resource" not in message.text
                else None
            ),
        )
        return page


@pytest.fixture
def sides(browser: Browser, live_server: object) -> Iterator[tuple[Side, Side]]:
    """The candidate's and the interviewer's browsers, requests recorded."""
    made = []
    for _ in range(2):
        side = Side(browser.new_context(base_url=live_server.url))
        side.context.set_default_timeout(5000)
        side.context.grant_permissions(["clipboard-read", "clipboard-write"])
        side.record()
        made.append(side)
    yield made[0], made[1]
    for side in made:
        side.context.close()
    assert made[0].errors == [] and made[1].errors == [], "a page logged errors"


def set_up(page: Page, count: int = 3, show_text: bool = False) -> tuple[str, str]:
    """Set up an interview through the form; return the link and the screen URL."""
    page.goto("/interviews/new")
    page.get_by_label("Alpha Field").check()
    page.get_by_label("Number of questions").fill(str(count))
    page.get_by_label("Random").check()
    page.get_by_label("Your name, as your interviewer will see it").fill("Sam")
    page.get_by_label("Show the question text on my screen").set_checked(show_text)
    page.get_by_role("button", name="Create the interview").click()
    expect(page.get_by_role("heading", name="Your interviewer's link")).to_be_visible()
    link = page.locator("#interviewer-link").input_value()
    assert TOKEN_URL.search(link), link
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    expect(page.locator("figure.qr-figure svg")).to_be_visible()
    screen = page.get_by_role("button", name="Go to my screen").get_attribute("href")
    return link, screen


def open_link(page: Page, link: str) -> str:
    """The friend opens the link; return the token-free page it lands on."""
    page.goto(link)
    expect(page.get_by_role("heading", name="You are interviewing Sam")).to_be_visible()
    assert re.search(r"/interviews/[^/]+/conduct$", page.url), page.url
    assert TOKEN_URL.search(link).group(1) not in page.url
    return page.url


def wait_for_modules(page: Page, *flags: str) -> None:
    """Wait until the page's modules listen (data-<flag>-ready on <html>)."""
    for flag in flags:
        # A locator, unlike a bare script, survives the page being replaced mid-wait.
        expect(page.locator("html")).to_have_attribute(f"data-{flag}-ready", "true")


def settle(interviewer: Page) -> None:
    """Wait until the interviewer's last autosave answered."""
    expect(interviewer.locator("[data-save-status]")).to_have_text("Saved.")


def type_feedback(interviewer: Page, text: str) -> None:
    """Type feedback and wait for the autosave that follows the pause."""
    with interviewer.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/conduct")
    ):
        interviewer.locator("textarea[name=feedback]").fill(text)


def follows(candidate: Page, position: int, text: str | None) -> None:
    """The candidate's screen shows question N of 3, its text or "listen"."""
    expect(candidate.locator("[data-live-progress]")).to_have_text(
        f"Question {position} of 3", timeout=FOLLOW_MS
    )
    if text is None:
        expect(candidate.get_by_text("Listen to your interviewer.")).to_be_visible(
            timeout=FOLLOW_MS
        )
        expect(candidate.locator("[data-live-text]")).to_be_hidden()
    else:
        expect(candidate.locator("[data-live-text]")).to_have_text(
            text, timeout=FOLLOW_MS
        )
        expect(candidate.get_by_text("Listen to your interviewer.")).to_be_hidden()


def guidance_labels(interviewer: Page) -> list[str]:
    """The guidance points of the question on the interviewer's screen."""
    checklist = interviewer.locator("fieldset.checklist").first
    return [label.strip() for label in checklist.locator("label").all_inner_texts()]


def test_spoken_only_interview_followed_live(sides: tuple[Side, Side]) -> None:
    candidate_side, interviewer_side = sides
    candidate = candidate_side.new_page()
    link, screen = set_up(candidate)
    token = TOKEN_URL.search(link).group(1)
    candidate.goto(screen)
    expect(
        candidate.get_by_role("heading", name="Waiting for your interviewer")
    ).to_be_visible()
    wait_for_modules(candidate, "live")

    interviewer = interviewer_side.new_page()
    conduct = open_link(interviewer, link)
    interviewer.get_by_role("button", name="Begin the interview").click()
    wait_for_modules(interviewer, "live", "interviewer")
    texts = [interviewer.locator("h1.question-heading").inner_text()]
    follows(candidate, 1, None)  # spoken only: no text on the candidate's screen
    expect(candidate.locator("[data-live-elapsed]")).to_have_text("0:00")

    # The clock, by button and by the Space key, runs on both screens.
    interviewer.get_by_role("button", name="Start the clock").click()
    expect(candidate.locator("[data-live-running]")).to_have_text(
        "running", timeout=FOLLOW_MS
    )
    expect(candidate.locator("[data-live-elapsed]")).not_to_have_text("0:00")
    interviewer.locator("h1.question-heading").click()  # focus off the button
    interviewer.keyboard.press("Space")
    expect(interviewer.get_by_role("button", name="Start the clock")).to_be_visible()
    expect(candidate.locator("[data-live-running]")).to_have_text(
        "stopped", timeout=FOLLOW_MS
    )
    interviewer.keyboard.press("Space")
    expect(candidate.locator("[data-live-running]")).to_have_text(
        "running", timeout=FOLLOW_MS
    )

    interviewer.get_by_role(
        "button", name="Reveal the question on Sam's screen"
    ).click()
    follows(candidate, 1, texts[0])
    expect(interviewer.get_by_text("The question is shown on")).to_be_visible()

    # Score question 1: a guidance point ticked, Solid by key, feedback, Next.
    points = {1: guidance_labels(interviewer)}
    interviewer.get_by_label(points[1][0]).check()
    settle(interviewer)
    interviewer.locator("h1.question-heading").click()
    interviewer.keyboard.press("3")
    expect(interviewer.get_by_label("Solid", exact=True)).to_be_checked()
    settle(interviewer)
    interviewer.locator("textarea[name=feedback]").fill("Clear opening; land the why.")
    interviewer.get_by_role("button", name="Next question").click()
    expect(interviewer.locator("[data-live-progress]")).to_have_text("Question 2 of 3")
    texts.append(interviewer.locator("h1.question-heading").inner_text())
    follows(candidate, 2, None)  # the next question is spoken only again
    wait_for_modules(interviewer, "interviewer")

    # Back to question 1 to change its rating, then forward again.
    interviewer.get_by_role("button", name="Previous question").click()
    expect(interviewer.locator("h1.question-heading")).to_have_text(texts[0])
    follows(candidate, 1, texts[0])  # it was revealed
    wait_for_modules(interviewer, "interviewer")
    expect(interviewer.get_by_label("Solid", exact=True)).to_be_checked()
    expect(interviewer.locator("textarea[name=feedback]")).to_have_value(
        "Clear opening; land the why."
    )
    interviewer.locator("h1.question-heading").click()
    interviewer.keyboard.press("2")
    expect(interviewer.get_by_label("Shaky", exact=True)).to_be_checked()
    settle(interviewer)
    interviewer.get_by_role("button", name="Next question").click()
    follows(candidate, 2, None)
    wait_for_modules(interviewer, "interviewer")

    # Question 2: scored, then the interviewer reloads and finds it all there.
    points[2] = guidance_labels(interviewer)
    interviewer.get_by_role("button", name="Start the clock").click()
    expect(interviewer.get_by_role("button", name="Stop the clock")).to_be_visible()
    interviewer.get_by_label(points[2][1]).check()
    settle(interviewer)
    interviewer.locator("h1.question-heading").click()
    interviewer.keyboard.press("4")
    settle(interviewer)
    type_feedback(interviewer, "Strong example.")  # saved after a pause
    interviewer.reload()
    expect(interviewer.locator("[data-live-progress]")).to_have_text("Question 2 of 3")
    expect(interviewer.get_by_role("button", name="Stop the clock")).to_be_visible()
    expect(interviewer.get_by_label(points[2][1])).to_be_checked()
    expect(interviewer.get_by_label("Nailed it", exact=True)).to_be_checked()
    expect(interviewer.locator("textarea[name=feedback]")).to_have_value(
        "Strong example."
    )
    wait_for_modules(interviewer, "interviewer")
    interviewer.get_by_role("button", name="Next question").click()
    expect(interviewer.locator("[data-live-progress]")).to_have_text("Question 3 of 3")
    texts.append(interviewer.locator("h1.question-heading").inner_text())
    follows(candidate, 3, None)
    wait_for_modules(interviewer, "interviewer")

    # The candidate closes the tab; meanwhile the question is revealed and
    # the clock started; the reopened tab catches up.
    candidate.close()
    interviewer.get_by_role(
        "button", name="Reveal the question on Sam's screen"
    ).click()
    interviewer.get_by_role("button", name="Start the clock").click()
    expect(interviewer.get_by_role("button", name="Stop the clock")).to_be_visible()
    candidate = candidate_side.new_page()
    candidate.goto(screen)
    follows(candidate, 3, texts[2])
    expect(candidate.locator("[data-live-running]")).to_have_text("running")

    # A second interviewer tab changes the interview: the first tab's next
    # change is refused with a clear message, and what it typed stays.
    second = interviewer_side.new_page()
    second.goto(conduct)
    wait_for_modules(second, "interviewer")
    second.get_by_role("button", name="Stop the clock").click()
    expect(second.get_by_role("button", name="Start the clock")).to_be_visible()
    typed = "Good trade-off; say the cost out loud."
    interviewer.locator("textarea[name=feedback]").fill(typed)
    status = interviewer.locator("[data-save-status]")
    expect(status).to_contain_text("changed in another window")
    expect(status).to_contain_text("nothing was saved")
    expect(interviewer.locator("textarea[name=feedback]")).to_have_value(typed)
    expect(interviewer.get_by_role("button", name="Start the clock")).to_be_visible()
    second.close()
    points[3] = guidance_labels(interviewer)
    interviewer.get_by_label(points[3][0]).check()  # saved with the fresh version
    settle(interviewer)
    interviewer.locator("h1.question-heading").click()
    interviewer.keyboard.press("3")
    settle(interviewer)

    # End: both screens turn into the summary.
    interviewer.get_by_role("button", name="End the interview").click()
    expect(
        interviewer.get_by_role("heading", name="Thank you for interviewing Sam")
    ).to_be_visible()
    expect(
        candidate.get_by_role("heading", name="How your interview went")
    ).to_be_visible(timeout=FOLLOW_MS + 500)  # the poll, then the page reloads
    questions = candidate.locator("li.summary-question")
    expect(questions).to_have_count(3)
    ratings = {1: "Shaky", 2: "Nailed it", 3: "Solid"}
    feedback = {1: "Clear opening; land the why.", 2: "Strong example.", 3: typed}
    covered = {1: 0, 2: 1, 3: 0}
    for page in (candidate, interviewer):
        for position in (1, 2, 3):
            block = page.locator("li.summary-question").nth(position - 1)
            expect(block.locator("h2")).to_have_text(texts[position - 1])
            expect(block.locator(".rating")).to_have_text(ratings[position])
            expect(block.locator("ul.points.covered li")).to_have_text(
                [points[position][covered[position]]]
            )
            expect(block.locator("ul.points.missed li")).to_have_text(
                [p for i, p in enumerate(points[position]) if i != covered[position]]
            )
            expect(block.locator("blockquote.note")).to_contain_text(feedback[position])
    expect(interviewer.get_by_role("button", name="Save my ratings")).to_have_count(0)

    # Self-ratings 3, 3, 4 against 2, 4, 3: on average 0.3 higher.
    for position, label in ((1, "Solid"), (2, "Solid"), (3, "Nailed it")):
        block = questions.nth(position - 1)
        block.get_by_label(label, exact=True).check()
    candidate.get_by_role("button", name="Save my ratings").click()
    expect(
        candidate.get_by_text(
            "On average you rate yourself 0.3 higher than your interviewer."
        )
    ).to_be_visible()
    expect(questions.nth(1).locator(".calibration-line")).to_have_text(
        "You rated yourself 1 lower than your interviewer."
    )

    # The token was sent once, by the first navigation, and never again: not
    # in a later URL, not in a Referer header, from either browser.
    urls = candidate_side.urls + interviewer_side.urls
    assert [url for url in urls if token in url] == [link]
    referers = candidate_side.referers + interviewer_side.referers
    assert [r for r in referers if r], "no Referer recorded at all"
    assert [r for r in referers if token in r] == []
    assert len(interviewer_side.urls) > 20  # the polls were recorded too


def test_revoking_cuts_off_an_open_interviewer_tab(sides: tuple[Side, Side]) -> None:
    candidate_side, interviewer_side = sides
    candidate = candidate_side.new_page()
    link, screen = set_up(candidate, show_text=True)
    interviewer = interviewer_side.new_page()
    open_link(interviewer, link)

    candidate.goto(screen)
    links = candidate.locator("#links tbody tr")
    expect(links).to_have_count(1)
    expect(links.first).to_contain_text("1 browser")
    candidate.get_by_role("button", name="Revoke").click()
    expect(candidate.get_by_text("Link revoked")).to_be_visible()
    expect(links.first).to_contain_text("Revoked")

    # The tab is still open on the intro: its next action is refused.
    interviewer.get_by_role("button", name="Begin the interview").click()
    expect(
        interviewer.get_by_role("heading", name=re.compile("Not Found"))
    ).to_be_visible()
    expect(interviewer.get_by_text("expired or revoked")).to_be_visible()
    interviewer.goto(link)  # and the link itself no longer opens it
    expect(
        interviewer.get_by_role("heading", name=re.compile("no longer valid"))
    ).to_be_visible()
    candidate.goto(screen)
    expect(
        candidate.get_by_role("heading", name="Waiting for your interviewer")
    ).to_be_visible()  # nothing began


def test_revoking_mid_interview_stops_the_interviewer(sides: tuple[Side, Side]) -> None:
    candidate_side, interviewer_side = sides
    candidate = candidate_side.new_page()
    link, screen = set_up(candidate, show_text=True)
    interviewer = interviewer_side.new_page()
    open_link(interviewer, link)
    interviewer.get_by_role("button", name="Begin the interview").click()
    wait_for_modules(interviewer, "interviewer")

    candidate.goto(screen)
    expect(candidate.locator("[data-live-progress]")).to_have_text("Question 1 of 3")
    candidate.get_by_text("Interviewer links").first.click()  # opens the details
    candidate.get_by_role("button", name="Revoke").click()
    expect(candidate.get_by_text("Link revoked")).to_be_visible()
    expect(candidate.locator("#links tbody tr").first).to_contain_text("Revoked")

    # The interviewer's next change, a fetch, is refused: the tab shows the 404.
    interviewer.get_by_role("button", name="Start the clock").click()
    expect(interviewer.get_by_text("expired or revoked")).to_be_visible()
    expect(candidate.locator("[data-live-running]")).to_have_text("stopped")


def test_printable_sheet(sides: tuple[Side, Side]) -> None:
    candidate = sides[0].new_page()
    set_up(candidate, count=4, show_text=True)
    candidate.get_by_role("link", name="Open the printable interviewer sheet").click()
    expect(
        candidate.get_by_role("heading", name=re.compile("Interviewer sheet"))
    ).to_be_visible()
    candidate.emulate_media(media="print")
    for chrome in ("body > header", "body > footer", "nav"):
        for element in candidate.locator(chrome).all():
            expect(element).to_be_hidden()
    expect(candidate.get_by_text("hand it over without reading it")).to_be_hidden()
    blocks = candidate.locator("li.sheet-question")
    expect(blocks).to_have_count(4)
    for block in blocks.all():
        expect(block.locator("h2")).to_be_visible()
        boxes = block.locator("ul.sheet-boxes").first.locator("li")
        assert boxes.count() >= 2
        box = boxes.first.evaluate("li => getComputedStyle(li, '::before').content")
        assert "☐" in box
        assert block.evaluate("li => getComputedStyle(li).breakInside") == "avoid"
    pdf = candidate.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
