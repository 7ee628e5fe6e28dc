"""The solo practice journey in real Chromium, with the keyboard alone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

NEXT = re.compile("Next question|See the round summary")


def test_whole_solo_journey_with_keyboard(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Alpha Field").click()
    expect(page.get_by_role("heading", name="Alpha Field")).to_be_visible()
    page.get_by_label("3 questions").check()
    page.get_by_role("button", name="Start a practice round").click()

    for position, (key, label) in enumerate(
        [("2", "Shaky"), ("4", "Nailed it"), ("1", "Stumped")], start=1
    ):
        expect(page.get_by_text(f"Question {position} of 3")).to_be_visible()
        expect(page.get_by_text("What a strong answer covers")).to_have_count(0)
        expect(page.locator("#timer")).to_be_visible()  # the timer module has run
        timer = page.locator("[data-timer-elapsed]")
        expect(timer).to_have_text("0:00")
        page.keyboard.press("Space")
        expect(page.get_by_role("button", name="Stop timer")).to_be_visible()
        expect(timer).to_have_text("0:01", timeout=3000)  # the timer moves
        page.keyboard.press(key)
        expect(page.locator(f'input[name="rating"][value="{key}"]')).to_be_checked()
        page.keyboard.press("Enter")
        expect(
            page.get_by_role("heading", name="What a strong answer covers")
        ).to_be_visible()
        expect(page.locator(".result .rating")).to_have_text(label)
        next_step = page.get_by_role("button", name=NEXT)
        expect(next_step).to_be_focused()  # without scrolling the guidance away
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Round summary")).to_be_visible()
    rows = page.locator("table.summary-table tbody tr")
    expect(rows).to_have_count(3)
    expect(
        page.get_by_role("button", name="Practise the 2 shaky ones again")
    ).to_be_visible()

    page.reload()
    expect(rows).to_have_count(3)
    first_question = rows.first.locator("a")
    question_text = first_question.inner_text()
    first_question.click()
    expect(page.get_by_role("heading", name=question_text)).to_be_visible()
    history = page.locator("table.history-table tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Shaky")
    expect(history.first).to_contain_text(re.compile(r"0:0[1-9]"))


def test_timer_is_exact_when_ticks_are_throttled(page: Page) -> None:
    """A hidden tab fires intervals rarely; the time must come from timestamps."""
    page.clock.install()
    page.goto("/fields/alpha-field")
    page.get_by_role("button", name="Practise this one").first.click()
    expect(page.locator("#timer")).to_be_visible()
    page.get_by_role("button", name="Start timer").click()
    # Jump 125 s while firing each due timer at most once, as a throttled tab does.
    page.clock.fast_forward(125_000)
    expect(page.locator("[data-timer-elapsed]")).to_have_text("2:05")
    timer = page.locator("#timer")
    expect(timer).to_have_class(re.compile("is-overtime"))  # the target is 1:00
    expect(page.locator("[data-timer-overtime]")).to_have_text("overtime +1:05")
    page.get_by_role("button", name="Stop timer").click()
    page.clock.fast_forward(60_000)
    expect(page.locator("[data-timer-elapsed]")).to_have_text("2:05")
    page.get_by_label("3 Solid").check()
    page.get_by_role("button", name="Submit rating").click()
    expect(page.locator(".result")).to_contain_text("2:05 of 1:00 target (over)")


def test_bad_submission_keeps_the_note(page: Page) -> None:
    page.goto("/fields/alpha-field")
    page.get_by_role("button", name="Practise this one").first.click()
    page.get_by_label("What I'd do differently").fill("lead with the result")
    page.get_by_role("button", name="Submit rating").click()  # no rating chosen
    expect(page.get_by_role("alert")).to_contain_text("Rate your answer")
    expect(page.get_by_label("What I'd do differently")).to_have_value(
        "lead with the result"
    )


def test_reload_keeps_the_running_timer_and_the_note(page: Page) -> None:
    page.goto("/fields/alpha-field")
    page.get_by_role("button", name="Practise this one").first.click()
    expect(page.locator("#timer")).to_be_visible()
    page.get_by_role("button", name="Start timer").click()
    page.get_by_label("What I'd do differently").fill("start with the outcome")
    expect(page.locator("[data-timer-elapsed]")).to_have_text("0:01", timeout=3000)
    page.reload()
    expect(page.get_by_label("What I'd do differently")).to_have_value(
        "start with the outcome"
    )
    expect(page.get_by_role("button", name="Stop timer")).to_be_visible()
    expect(page.locator("[data-timer-elapsed]")).to_have_text("0:02", timeout=3000)
    page.get_by_label("2 Shaky").check()
    page.get_by_role("button", name="Submit rating").click()
    expect(page.locator(".note")).to_have_text("start with the outcome")
    page.go_back()  # the question is answered now: no stale draft comes back
    expect(page.locator(".result")).to_be_visible()
