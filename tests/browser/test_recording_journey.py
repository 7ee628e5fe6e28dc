"""Recording a spoken answer in real Chromium, from a fake microphone that plays
speech made by espeak-ng, then hearing it back with its delivery figures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from test_accessibility import violations
from test_interview_journey import open_link, set_up, wait_for_modules

from mockint.extensions import db
from mockint.models import Recording

PLANTED_PAUSE = 3.0
AUDIBLE = 300  # of 32767: about -40 dB full scale
LEADING_SILENCE = 0.5
# The fake microphone plays its file in a loop: silence after the speech keeps
# the loop out of the recording.
TRAILING_SILENCE = 6.0
BEFORE_PAUSE = (
    "When our payment service had to move to a new database, I planned the "
    "migration in small, reversible steps and rehearsed every one of them beforehand."
)
AFTER_PAUSE = (
    "We finished early, customers noticed nothing, and the plan became our template."
)


def espeak() -> str:
    """Debian's espeak-ng (fails, never skips, on CI)."""
    path = shutil.which("espeak-ng")
    if path is None:
        message = "espeak-ng is needed: apt-get install espeak-ng"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def spoken(text: str, words_per_minute: int, folder: Path) -> tuple[np.ndarray, int]:
    """The text as espeak-ng speaks it at a rate, as 16-bit samples."""
    path = folder / f"part-{words_per_minute}-{len(text)}.wav"
    subprocess.run(
        [espeak(), "-s", str(words_per_minute), "-w", str(path), text], check=True
    )
    with wave.open(str(path)) as source:
        rate = source.getframerate()
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    # espeak-ng pads with silence: trim it, so the planted pause is exact.
    sounding = np.flatnonzero(np.abs(samples) > AUDIBLE)
    return samples[sounding[0] : sounding[-1] + 1], rate


def answer_file(words_per_minute: int, folder: Path) -> tuple[Path, float]:
    """A spoken answer with a planted pause: the WAV and how long it is."""
    first, rate = spoken(BEFORE_PAUSE, words_per_minute, folder)
    second, _ = spoken(AFTER_PAUSE, words_per_minute, folder)

    def quiet(seconds: float) -> np.ndarray:
        return np.zeros(round(seconds * rate), dtype="<i2")

    samples = np.concatenate(
        [
            quiet(LEADING_SILENCE),
            first,
            quiet(PLANTED_PAUSE),
            second,
            quiet(TRAILING_SILENCE),
        ]
    )
    path = folder / f"answer-{words_per_minute}.wav"
    with wave.open(str(path), "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(rate)
        target.writeframes(samples.tobytes())
    return path, len(samples) / rate


def record_one_answer(
    chromium_with: Callable[[list[str]], Browser],
    url: str,
    wav: Path,
    seconds: float,
    scheme: str,
) -> None:
    """Turn recording on, answer while the file plays, rate, and hear it back."""
    browser = chromium_with(
        [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    try:
        context = browser.new_context(base_url=url, color_scheme=scheme)
        context.grant_permissions(["microphone"])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        _record_and_replay(page, seconds)
        assert errors == [], f"the page logged errors: {errors}"
    finally:
        browser.close()


def wait_until(page: Page, condition: str, seconds: float) -> None:
    """Poll a condition in the page (wait_for_function would need eval, which the
    site's Content-Security-Policy forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(f"() => Boolean({condition})"):
        assert time.monotonic() < deadline, f"still not true: {condition}"
        page.wait_for_timeout(100)


def _record_and_replay(page: Page, seconds: float) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/fields/alpha-field")
    page.get_by_role("button", name="Practise this one").first.click()
    switch = page.get_by_role("switch", name="Record my answer")
    expect(switch).not_to_be_checked()  # off until turned on
    switch.check()
    meter = page.locator("[data-recorder-level]")
    expect(meter).to_be_visible()
    assert violations(page) == []  # the switch and the level meter
    # The microphone opens with the switch and its file starts playing: start
    # the timer at once, so the recording holds the whole answer.
    page.get_by_role("button", name="Start timer").click()
    expect(page.locator("[data-recorder-status]")).to_have_text(
        "Recording your answer."
    )
    # Sound is coming in: the meter rises during the speech.
    wait_until(page, "document.querySelector('[data-recorder-level]').value > 0.3", 5)
    page.wait_for_timeout(seconds * 1000)
    page.get_by_role("button", name="Stop timer").click()
    page.get_by_label("3 Solid").check()
    page.get_by_role("button", name="Submit rating").click()

    expect(page.get_by_role("heading", name="Hear your answer")).to_be_visible()
    play = page.get_by_role("button", name="Play your recorded answer")
    expect(page.locator("audio")).to_have_attribute("preload", "none")
    # The page weighs what it did without a recording: the audio waits for Play.
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if re.search(r"/recordings/\d+$", url)]
    # The keyboard alone: the speed, then play from the waveform's slider.
    faster = page.get_by_role("button", name="1.5×")
    faster.focus()
    page.keyboard.press("Enter")
    expect(faster).to_have_attribute("aria-pressed", "true")
    slider = page.get_by_role("slider", name="Position in your recorded answer")
    slider.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # the last five seconds, to hear the end
    play.focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("button", name="Pause your recorded answer")
    ).to_be_visible()
    wait_until(page, "document.querySelector('audio').ended", 15)
    expect(play).to_be_visible()  # back to "Play" at the end
    assert [url for url in requested if re.search(r"/recordings/\d+$", url)]
    expect(page.locator("[data-player-time]")).to_have_text(
        re.compile(r"^(\d+:\d\d) / \1$")
    )
    assert violations(page) == []  # the player and the figures
    page.get_by_role("link", name="This question's history").click()
    expect(page.get_by_role("heading", name="Recorded answers")).to_be_visible()
    assert violations(page) == []
    page.goto("/account/settings#recordings")
    expect(page.get_by_role("button", name="Delete every recording")).to_be_visible()
    assert violations(page) == []


def test_recorded_answers_at_two_rates_give_their_figures(
    app: Flask,
    chromium_with: Callable[[list[str]], Browser],
    live_server: object,
    tmp_path: Path,
) -> None:
    measured = {}
    # The first in light colours, the second in dark, each checked by axe.
    for words_per_minute, scheme in ((120, "light"), (200, "dark")):
        wav, length = answer_file(words_per_minute, tmp_path)
        # Stop before the file's trailing silence runs out and the loop restarts.
        seconds = length - TRAILING_SILENCE + 2.0
        record_one_answer(chromium_with, live_server.url, wav, seconds, scheme)
        with app.app_context():
            recording = db.session.scalars(
                sa.select(Recording).order_by(Recording.id.desc())
            ).first()
            assert recording is not None, "no recording was stored"
            assert recording.mime_type == "audio/webm"
            # The planted pause, and no other over two seconds.
            assert recording.long_pauses == [pytest.approx(PLANTED_PAUSE, abs=0.5)], (
                recording.pauses
            )
            measured[words_per_minute] = recording.words_per_minute
        assert measured[words_per_minute] == pytest.approx(words_per_minute, rel=0.2), (
            measured
        )
    assert measured[200] > measured[120]
    print(f"words a minute asked and estimated: {measured}")


def test_a_refused_microphone_says_so_and_the_answer_still_saves(page: Page) -> None:
    page.goto("/fields/alpha-field")
    page.get_by_role("button", name="Practise this one").first.click()
    page.get_by_role("switch", name="Record my answer").check()
    expect(page.locator("[data-recorder-status]")).to_contain_text(
        re.compile("not allowed|No microphone")
    )
    page.get_by_role("button", name="Start timer").click()
    page.get_by_role("button", name="Stop timer").click()
    page.get_by_label("2 Shaky").check()
    page.get_by_role("button", name="Submit rating").click()
    expect(page.locator(".result .rating")).to_have_text("Shaky")
    expect(page.get_by_role("heading", name="Hear your answer")).to_have_count(0)


def test_a_friend_interview_records_the_candidates_answer(
    app: Flask,
    browser: Browser,
    chromium_with: Callable[[list[str]], Browser],
    live_server: object,
    tmp_path: Path,
) -> None:
    """The candidate's screen records while the interviewer's clock runs; when
    the interview ends the answer's recording joins the interviewer's rating,
    for the candidate's ears only."""
    wav, length = answer_file(160, tmp_path)
    microphone = chromium_with(
        [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
        ]
    )
    friend_context = browser.new_context(base_url=live_server.url)
    try:
        context = microphone.new_context(base_url=live_server.url)
        context.grant_permissions(["microphone", "clipboard-read", "clipboard-write"])
        candidate = context.new_page()
        errors: list[str] = []
        candidate.on("pageerror", lambda error: errors.append(str(error)))
        link, screen = set_up(candidate, count=3, show_text=True)
        candidate.goto(screen)
        wait_for_modules(candidate, "live")
        interviewer = friend_context.new_page()
        open_link(interviewer, link)
        interviewer.get_by_role("button", name="Begin the interview").click()
        wait_for_modules(interviewer, "live", "interviewer")

        # The candidate's screen reloads into the question, with the switch.
        switch = candidate.get_by_role("switch", name="Record my answer")
        switch.check()
        expect(candidate.locator("[data-recorder-level]")).to_be_visible()
        interviewer.get_by_role("button", name="Start the clock").click()
        status = candidate.locator("[data-recorder-status]")
        expect(status).to_have_text("Recording your answer.", timeout=3000)
        candidate.wait_for_timeout((length - TRAILING_SILENCE + 1) * 1000)
        interviewer.get_by_role("button", name="Stop the clock").click()
        expect(status).to_contain_text("Recording paused with the clock", timeout=3000)
        interviewer.get_by_label("Solid", exact=True).check()
        expect(interviewer.locator("[data-save-status]")).to_have_text("Saved.")
        interviewer.get_by_role("button", name="End the interview now").click()

        expect(
            candidate.get_by_role("heading", name="How your interview went")
        ).to_be_visible(timeout=10_000)  # after the recording went up
        expect(
            candidate.get_by_role("heading", name="Hear your answer")
        ).to_be_visible()
        candidate.get_by_role("button", name="Play your answer to question 1").click()
        expect(
            candidate.get_by_role("button", name="Pause your answer to question 1")
        ).to_be_visible()
        expect(
            interviewer.get_by_role("heading", name="Thank you for interviewing Sam")
        ).to_be_visible()
        expect(interviewer.get_by_text("Hear your answer")).to_have_count(0)
        assert errors == [], errors
    finally:
        friend_context.close()
        microphone.close()
    with app.app_context():
        recording = db.session.scalars(sa.select(Recording)).one()
        assert recording.attempt.rated_by == "interviewer"
        assert recording.attempt.rating == 3
        assert recording.long_pauses == [pytest.approx(PLANTED_PAUSE, abs=0.5)]
