"""The home page's search box filters fields and finds questions as you type."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_typing_filters_fields_and_lists_questions(page: Page) -> None:
    page.goto("/")
    page.locator("form[data-live-ready]").wait_for()  # the module is listening
    page.get_by_label("Find a field or a question").press_sequentially("second small")
    expect(page.locator(".field-card").filter(has_text="Alpha Field")).to_be_hidden()
    expect(page.locator(".field-card").filter(has_text="Beta Field")).to_be_visible()
    page.get_by_label("Find a field or a question").fill("")
    page.get_by_label("Find a field or a question").press_sequentially("thread")
    found = page.locator("#search-results .question-list li")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("process and a thread")
    found.get_by_role("button", name="Practise this one").click()
    expect(page.get_by_text("Question 1 of 1")).to_be_visible()
