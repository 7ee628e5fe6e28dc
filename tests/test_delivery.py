"""Delivery figures from audio: generated signals with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from mockint.delivery import SAMPLE_RATE, analyse, decode, loudness_outline

from sounds import (
    answer,
    encoded,
    noise,
    silence,
    syllables,
    vowel,
    wav_bytes,
)


def test_silence_says_nothing_was_said() -> None:
    figures = analyse(silence(4))
    assert figures.duration == 4
    assert figures.first_word is None
    assert figures.sounding == figures.talking == 0
    assert figures.silence_share == 1
    assert figures.pauses == ()
    assert figures.syllables == 0
    assert figures.words_per_minute == 0


def test_bursts_give_the_first_word_the_pause_and_the_syllables() -> None:
    figures = analyse(answer())
    assert figures.first_word == pytest.approx(1.5, abs=0.03)
    assert figures.syllables == 10
    assert len(figures.pauses) == 1
    assert figures.long_pauses == figures.pauses
    assert figures.longest_pause == pytest.approx(3.0, abs=0.05)
    spoken = (6 * 0.12 + 5 * 0.13) + (4 * 0.12 + 3 * 0.13)
    assert figures.sounding == pytest.approx(spoken, abs=0.1)
    assert figures.talking == pytest.approx(spoken, abs=0.1)  # the long pause left out
    assert figures.duration == pytest.approx(7.24)
    assert figures.silence_share == pytest.approx(1 - spoken / 7.24, abs=0.02)
    # Ten syllables in about 2.2 s of speech: 270 a minute, 180 words.
    assert figures.syllables_per_minute == pytest.approx(10 * 60 / spoken, rel=0.05)
    assert figures.words_per_minute == pytest.approx(figures.syllables_per_minute / 1.5)


def test_a_short_gap_is_within_speech_and_a_long_one_is_a_pause() -> None:
    gaps = np.concatenate(
        [syllables(2), silence(0.2), syllables(2), silence(0.8), syllables(2)]
    )
    figures = analyse(gaps)
    assert figures.first_word == pytest.approx(0, abs=0.03)
    assert len(figures.pauses) == 1
    assert figures.pauses[0] == pytest.approx(0.8, abs=0.05)
    assert figures.long_pauses == ()
    assert figures.talking == pytest.approx(figures.sounding + 0.8, abs=0.05)
    assert figures.syllables == 6


def test_noise_is_sound_but_not_syllables() -> None:
    figures = analyse(np.concatenate([silence(1), noise(2), silence(1)]))
    assert figures.first_word == pytest.approx(1.0, abs=0.03)
    assert figures.sounding == pytest.approx(2.0, abs=0.05)
    assert figures.syllables == 0


def test_a_quiet_hiss_under_speech_is_silence() -> None:
    hiss = noise(7.24, level=0.002)  # about 40 dB below the vowels
    figures = analyse(answer() + hiss)
    assert figures.first_word == pytest.approx(1.5, abs=0.03)
    assert figures.syllables == 10
    assert figures.longest_pause == pytest.approx(3.0, abs=0.05)


def test_a_faster_speaker_has_a_higher_rate() -> None:
    slow = analyse(syllables(10, on=0.16, off=0.17))
    fast = analyse(syllables(10, on=0.09, off=0.1))
    assert slow.syllables == fast.syllables == 10
    assert fast.words_per_minute > slow.words_per_minute * 1.5


def test_decoded_wav_gives_the_same_figures() -> None:
    samples = decode(wav_bytes(answer()))
    assert len(samples) == len(answer())
    figures = analyse(samples)
    assert figures.first_word == pytest.approx(1.5, abs=0.03)
    assert figures.syllables == 10


@pytest.mark.parametrize(
    ("container", "codec"), [("webm", "libopus"), ("mp4", "aac")], ids=["webm", "mp4"]
)
def test_browser_recordings_decode_to_the_same_figures(
    container: str, codec: str
) -> None:
    figures = analyse(decode(encoded(answer(), container, codec)))
    assert figures.duration == pytest.approx(7.24, abs=0.1)
    assert figures.first_word == pytest.approx(1.5, abs=0.05)
    assert figures.longest_pause == pytest.approx(3.0, abs=0.1)
    assert figures.syllables == 10


def test_decoding_stops_past_the_longest_allowed() -> None:
    long_silence = wav_bytes(silence(30))
    assert len(decode(long_silence, max_seconds=31)) == 30 * SAMPLE_RATE
    with pytest.raises(ValueError, match="longer than 20 seconds"):
        decode(long_silence, max_seconds=20)


def test_what_is_not_audio_is_refused() -> None:
    with pytest.raises(ValueError, match="could not be decoded"):
        decode(b"This is a text file renamed to answer.webm.\n" * 20)


def test_the_loudness_outline_runs_from_silence_to_full_scale() -> None:
    assert loudness_outline(silence(2), points=50) == (0.0,) * 50
    sound = vowel(1)
    outline = loudness_outline(np.concatenate([silence(1), sound]), points=10)
    assert len(outline) == 10
    assert outline[:5] == (0.0,) * 5
    rms_db = 20 * np.log10(np.sqrt(np.mean(sound.astype(np.float64) ** 2)))
    assert outline[5:] == pytest.approx([(rms_db + 60) / 60] * 5, abs=0.002)
    assert loudness_outline(np.ones(SAMPLE_RATE, dtype=np.float32), 4) == (1.0,) * 4
