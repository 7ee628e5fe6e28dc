"""Debrief a real interview in Chromium, practise its stumpers, see them move."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

STUMPERS = [
    "How would you shard a table that outgrew one server?",
    "Why did your last project slip?",
]


def test_debrief_two_stumpers_practise_them_and_see_them_move(page: Page) -> None:
    page.goto("/debriefs")
    page.get_by_role("button", name="Debrief an interview").click()
    page.get_by_label("Company (optional)").fill("Globex")
    page.get_by_label("Kind of interview").select_option("technical")
    page.get_by_role("button", name="Start the debrief").click()
    page.locator("form[data-autosave-ready]").wait_for()  # the module is listening

    page.get_by_label("What happened, in plain words").fill(
        "Two engineers, a whiteboard."
    )
    page.get_by_label("Which questions stumped you").fill("\n".join(STUMPERS))
    # The draft saves itself while typing: a reload keeps the text.
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    page.reload()
    expect(page.get_by_label("Which questions stumped you")).to_have_value(
        "\n".join(STUMPERS)
    )

    page.get_by_role("button", name="Finish the debrief").click()
    stumpers = page.locator(".question-list li")
    expect(stumpers).to_have_count(2)
    for text in STUMPERS:
        item = stumpers.filter(has_text=text)
        expect(item.locator(".due")).to_have_text("Due today")
        expect(item.locator(".rating")).to_have_text("Last: Stumped")

    page.get_by_role("button", name="Practise these now").click()
    for key in ("4", "2"):
        page.locator("#timer").wait_for(state="visible")
        page.keyboard.press(key)
        page.get_by_role("button", name="Submit rating").click()
        page.get_by_role(
            "button", name=re.compile("Next question|See the round summary")
        ).click()
    expect(page.get_by_role("heading", name="Round summary")).to_be_visible()

    page.goto("/debriefs")
    movement = page.locator(".movement")
    expect(movement).to_contain_text("2 stumpers")
    expect(movement).to_contain_text("1 shaky")
    expect(movement).to_contain_text("1 learning")
    expect(movement).not_to_contain_text("still stumped")


def test_a_debrief_survives_a_failed_save_in_this_browser(page: Page) -> None:
    page.goto("/debriefs/new")
    page.get_by_role("button", name="Start the debrief").click()
    page.locator("form[data-autosave-ready]").wait_for()  # the module is listening
    draft_url = page.url  # read once the draft's page is there
    page.context.set_offline(True)  # the save cannot reach the server
    page.get_by_label("One thing that went well").fill("My opening story landed.")
    expect(page.locator("#autosave-status")).to_contain_text("kept in this browser")
    page.context.set_offline(False)
    page.goto(draft_url)
    expect(page.get_by_label("One thing that went well")).to_have_value(
        "My opening story landed."
    )
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    page.reload()  # now the server has it, not just this browser
    expect(page.get_by_label("One thing that went well")).to_have_value(
        "My opening story landed."
    )
