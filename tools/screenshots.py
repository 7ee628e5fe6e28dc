"""Take screenshots of every page, desktop and 375 px, light and dark.

Usage: .venv/bin/python tools/screenshots.py [OUTPUT_DIR]   (default: screenshots/)
Serves the app with the shipped banks on a throw-away SQLite database.
"""

from __future__ import annotations

import re
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from mockint import create_app
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.config import PROJECT_ROOT
from mockint.extensions import db
from mockint.models import UpcomingInterview

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEXT = re.compile("Next question|See the round summary")
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 812)}


def serve(database: Path) -> str:
    """Start the app in a thread and return its URL."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        sync_banks(db.session, load_banks(PROJECT_ROOT / "questions"))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def journey(page: Page) -> dict[str, str]:
    """Practise a round to create history; return the URLs worth a picture."""
    urls = {"field": "/fields/software-engineering"}
    page.goto(urls["field"])
    page.get_by_label("3 questions").check()
    page.get_by_role("button", name="Start a practice round").click()
    for key in ("2", "4", "1"):
        page.locator("#timer").wait_for(state="visible")  # the module has loaded
        page.keyboard.press("Space")
        page.wait_for_timeout(1100)
        page.keyboard.press(key)
        page.get_by_label("What I'd do differently").fill(
            "Open with the outcome, then the steps; keep it under two minutes."
        )
        page.get_by_role("button", name="Submit rating").click()
        urls.setdefault("answered", page.url)
        page.get_by_role("button", name=NEXT).click()
    urls["summary"] = page.url
    urls["history"] = page.locator("table.summary-table a").first.get_attribute("href")
    page.goto(urls["field"])
    page.get_by_role("button", name="Start a practice round").click()
    urls["question"] = page.url  # left unanswered
    urls["home"] = "/"
    urls["review"] = "/review"
    urls["progress"] = "/review/progress"
    urls["settings"] = "/account/settings"
    urls["signup"] = "/account/save"
    urls["login"] = "/account/login"
    urls["not-found"] = "/fields/no-such-field"
    return urls


def plan_journey(page: Page, database: Path) -> dict[str, str]:
    """Plan two interviews, one of them already over; return their pages' URLs."""
    urls = {"plan-new": "/plans/new", "plan-new-refused": "/plans/new"}
    made = []
    for company, role, fields in (
        ("Acme", "Backend engineer", ["Software Engineering", "General & Behavioral"]),
        ("Globex", "", ["General & Behavioral"]),
    ):
        page.goto("/plans/new")
        day = datetime.now(UTC).date() + timedelta(days=3)
        page.locator("#day").fill(day.isoformat())
        page.locator("#time").fill("09:30")
        page.get_by_label("Company (optional)").fill(company)
        page.get_by_label("Role (optional)").fill(role)
        for field in fields:
            page.get_by_label(field, exact=True).check()
        page.get_by_role("button", name="Make the plan").click()
        made.append("/plans/" + page.url.rsplit("/", 1)[1])
    urls["plan"], urls["plan-past"] = made
    page.goto(urls["plan"])
    page.get_by_label("Prepare 2-3 questions to ask them.").check()
    page.get_by_role("button", name="Save ticks").click()
    urls["plan-checklist"] = f"{urls['plan']}/checklist"
    urls["plan-delete"] = f"{urls['plan']}/delete"
    urls["plans"] = "/plans"
    # The second interview took place yesterday: its plan offers a debrief.
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        plan_id = int(urls["plan-past"].rsplit("/", 1)[1])
        plan = db.session.get(UpcomingInterview, plan_id)
        plan.starts_at = datetime.now(UTC) - timedelta(days=1)
        db.session.commit()
        db.engine.dispose()
    return urls


def show_lookalike(page: Page) -> None:
    """Submit a question the banks already hold: the page offers theirs."""
    page.get_by_label("The question").fill("Tell me about yourself")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_role("heading", name="This looks like a question").wait_for()


def preparation_journey(page: Page) -> dict[str, str]:
    """Add a question of my own and debrief an interview; return the pages."""
    # The lookalike offer answers a POST: the screenshot loop submits it.
    urls = {"my-question-new": "/my-questions/new", "my-question-lookalike": ""}
    page.goto("/my-questions/new")
    show_lookalike(page)
    page.get_by_label("It is a different question: add mine anyway").check()
    page.get_by_label("What a strong answer covers (optional)").fill(
        "Present, past, future in two minutes\nEnds on why this role"
    )
    page.get_by_role("button", name="Add the question").click()
    urls["my-questions"] = "/my-questions"
    page.goto("/debriefs/new")
    page.get_by_label("Company (optional)").fill("Initech")
    page.get_by_label("Role (optional)").fill("Support lead")
    page.get_by_role("button", name="Start the debrief").click()
    urls["debrief-draft"] = page.url
    page.get_by_label("What happened, in plain words").fill(
        "Two managers, 45 minutes, mostly scenarios about angry customers."
    )
    page.get_by_label("Which questions stumped you").fill(
        "How would you handle a customer threatening to leave?\n"
        "Why do you want to work here?"
    )
    page.get_by_label("One thing that went well").fill("My escalation story landed.")
    page.get_by_role("button", name="Finish the debrief").click()
    urls["debrief-finish"] = page.url
    page.get_by_role("button", name="Finish the debrief").click()
    urls["debrief"] = page.url
    urls["debriefs"] = "/debriefs"
    return urls


def sign_up_on_two_browsers(browser: Browser, base: str) -> dict:
    """An account signed in on two browsers; return the first one's state."""
    laptop = browser.new_context(base_url=base)
    page = laptop.new_page()
    page.goto("/account/save")
    page.locator("#username").fill("sam")
    page.locator("#password").fill("interview practice daily")
    page.locator("#confirm").fill("interview practice daily")
    page.get_by_role("button", name="Save my progress").click()
    phone = browser.new_context(base_url=base, user_agent=IPHONE)
    other = phone.new_page()
    other.goto("/account/login")
    other.locator("#username").fill("sam")
    other.locator("#password").fill("interview practice daily")
    other.get_by_role("button", name="Log in").click()
    return laptop.storage_state()


def rate_in_two_tabs(page: Page) -> Page:
    """Rate one new question in two tabs; return the tab that lost (a 409)."""
    page.goto("/fields/software-engineering")
    page.get_by_role("button", name="Start a practice round").click()
    second = page.context.new_page()
    second.goto(page.url)
    for tab, key in ((page, "3"), (second, "2")):
        tab.locator("#timer").wait_for(state="visible")
        tab.keyboard.press(key)
        tab.get_by_label("What I'd do differently").fill(
            "Lead with the trade-off I chose and why."
        )
        tab.get_by_role("button", name="Submit rating").click()
    return second


def set_up_interview(
    page: Page, method: str = "Random", show_text: bool = False
) -> None:
    """Set up a three-question mock interview through the form."""
    page.goto("/interviews/new")
    page.get_by_label("Software Engineering", exact=True).check()
    page.get_by_label("General & Behavioral", exact=True).check()
    page.get_by_label("Number of questions").fill("3")
    page.get_by_label(method, exact=True).check()
    page.get_by_label("Your name, as your interviewer will see it").fill("Sam")
    page.get_by_label("Show the question text on my screen").set_checked(show_text)
    page.get_by_role("button", name="Create the interview").click()
    page.locator("#interviewer-link, .picked-list, #chosen").first.wait_for()


def link_and_screen(page: Page) -> tuple[str, str]:
    """On the share page: the interviewer link and the candidate's screen."""
    link = page.locator("#interviewer-link").input_value()
    screen = page.get_by_role("button", name="Go to my screen").get_attribute("href")
    return link, screen


def score(interviewer: Page, rating: str, feedback: str) -> None:
    """Tick the first guidance point, rate and write feedback."""
    interviewer.locator("fieldset.checklist input").first.check()
    interviewer.get_by_label(rating, exact=True).check()
    interviewer.locator("textarea[name=feedback]").fill(feedback)


def interview_journey(candidate: Page, interviewer: Page) -> tuple[dict, dict]:
    """Three mock interviews: waiting, running and ended; return both sides' URLs."""
    mine = {"interviews-none": "/interviews", "interview-new": "/interviews/new"}
    theirs = {}
    set_up_interview(candidate, method="Hand-picked")
    mine["interview-picker"] = candidate.url
    for _ in range(3):
        candidate.get_by_role("button", name=re.compile("^Add: ")).first.click()
    candidate.get_by_role("button", name="Done: make the interviewer link").click()
    link, mine["interview-waiting"] = link_and_screen(candidate)
    mine["interview-sheet"] = mine["interview-waiting"] + "/sheet"
    interviewer.goto(link)
    theirs["conduct-intro"] = interviewer.url

    set_up_interview(candidate)  # spoken only, left running on question 2
    link, mine["interview-live"] = link_and_screen(candidate)
    interviewer.goto(link)
    interviewer.get_by_role("button", name="Begin the interview").click()
    score(interviewer, "Solid", "Good structure; name the trade-off sooner.")
    interviewer.get_by_role("button", name="Next question").click()
    interviewer.get_by_role(
        "button", name="Reveal the question on Sam's screen"
    ).click()
    interviewer.get_by_role("button", name="Start the clock").click()
    interviewer.get_by_role("button", name="Stop the clock").wait_for()
    theirs["conduct-question"] = interviewer.url

    set_up_interview(candidate, show_text=True)  # ended, then self-rated
    link, screen = link_and_screen(candidate)
    interviewer.goto(link)
    interviewer.get_by_role("button", name="Begin the interview").click()
    for rating in ("Solid", "Shaky", "Nailed it"):
        interviewer.get_by_role("button", name="Start the clock").click()
        interviewer.wait_for_timeout(1100)  # a time worth showing in the summary
        score(interviewer, rating, "Clear opening. Land the result in one sentence.")
        name = "Next question" if rating != "Nailed it" else "End the interview"
        interviewer.get_by_role("button", name=name, exact=True).click()
    interviewer.get_by_role("heading", name="Thank you for interviewing Sam").wait_for()
    theirs["interview-summary-interviewer"] = interviewer.url
    candidate.goto(screen)
    for number, label in enumerate(("Nailed it", "Shaky", "Solid")):
        question = candidate.locator("li.summary-question").nth(number)
        question.get_by_label(label, exact=True).check()
    candidate.get_by_role("button", name="Save my ratings").click()
    mine["interview-summary"] = candidate.url.split("#")[0]
    mine["interviews"] = "/interviews"
    mine["interview-share"] = ""  # a fresh interview set up in each view
    return mine, theirs


def main() -> None:
    """Drive the pages and write the screenshots."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        base = serve(Path(tmp) / "shots.db")
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=base)
        urls = journey(context.new_page())
        urls.update(plan_journey(context.new_page(), Path(tmp) / "shots.db"))
        urls.update(preparation_journey(context.new_page()))
        friend = browser.new_context(base_url=base)
        mine, theirs = interview_journey(context.new_page(), friend.new_page())
        urls.update(mine)
        friend_state = friend.storage_state()
        state = context.storage_state()
        account_state = sign_up_on_two_browsers(browser, base)
        for scheme in ("light", "dark"):
            for name, (width, height) in VIEWPORTS.items():
                view = browser.new_context(
                    base_url=base,
                    storage_state=state,
                    color_scheme=scheme,
                    viewport={"width": width, "height": height},
                )
                page = view.new_page()
                for label, url in urls.items():
                    if url:
                        page.goto(url)
                    if label == "question":
                        page.locator("#timer").wait_for(state="visible")
                        page.keyboard.press("Space")
                        page.wait_for_timeout(1200)
                    if label == "my-question-lookalike":
                        page.goto("/my-questions/new")
                        show_lookalike(page)
                    if label == "interview-share":
                        set_up_interview(page)
                    if label == "plan-new-refused":
                        page.get_by_role("button", name="Make the plan").click()
                        page.get_by_role("alert").first.wait_for()
                    page.screenshot(
                        path=str(out / f"{label}-{name}-{scheme}.png"),
                        full_page=name == "desktop",
                    )
                view.close()
                interviewing = browser.new_context(
                    base_url=base,
                    storage_state=friend_state,
                    color_scheme=scheme,
                    viewport={"width": width, "height": height},
                )
                page = interviewing.new_page()
                for label, url in theirs.items():
                    page.goto(url)
                    page.screenshot(
                        path=str(out / f"{label}-{name}-{scheme}.png"),
                        full_page=name == "desktop",
                    )
                interviewing.close()
                account = browser.new_context(
                    base_url=base,
                    storage_state=account_state,
                    color_scheme=scheme,
                    viewport={"width": width, "height": height},
                )
                page = account.new_page()
                page.goto("/account/settings")
                page.screenshot(
                    path=str(out / f"settings-account-{name}-{scheme}.png"),
                    full_page=name == "desktop",
                )
                rate_in_two_tabs(page).screenshot(
                    path=str(out / f"conflict-{name}-{scheme}.png"),
                    full_page=name == "desktop",
                )
                account.close()
        browser.close()
    print(f"wrote screenshots to {out}/")


if __name__ == "__main__":
    main()
