"""How a spoken answer was delivered, from its audio: when the first word came, how
much was silence, the long pauses, and an estimated speaking rate.

The rate follows de Jong and Wempe (2009), "Praat script to detect syllable nuclei
and measure speech rate automatically" (Behavior Research Methods 41(2)): a
syllable nucleus is a peak of loudness that stands at most 25 dB below the
recording's loudest moments, rises at least 2 dB above the dip before it, and is
voiced. Words per minute are syllables per minute over 1.5, the usual syllables per
word of spoken English, so they are an estimate and are shown as one.

Audio arrives as a browser's recording (Opus in WebM, AAC in MP4) and is decoded
with PyAV, whose wheels carry their own FFmpeg; everything after decoding works on
a mono signal at `SAMPLE_RATE`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import chain

import av
import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000
FRAME_SECONDS = 0.01  # one loudness value per 10 ms
WINDOW_SECONDS = 0.04  # each measured over 40 ms
SILENCE_BELOW_PEAK_DB = 25.0  # de Jong and Wempe's "silence threshold"
QUIETEST_SPEECH_DB = -55.0  # dB full scale: below this a recording is silent
MIN_DIP_DB = 2.0  # de Jong and Wempe's "minimum dip between peaks"
MIN_PAUSE_SECONDS = 0.3  # shorter silences are the gaps within speech
LONG_PAUSE_SECONDS = 2.0
MIN_SOUND_SECONDS = 0.05  # a click is not speech
VOICED_CORRELATION = 0.5  # normalised autocorrelation at the pitch period
PITCH_RANGE_HZ = (70.0, 400.0)
SYLLABLES_PER_WORD = 1.5

Signal = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Delivery:
    """The figures of one recording; times in seconds."""

    duration: float
    first_word: float | None  # None when nothing was said
    sounding: float  # time inside stretches of speech
    talking: float  # first word to last, less the long pauses
    silence_share: float  # of the whole recording, 0 to 1
    pauses: tuple[float, ...]  # silences within the answer, in order
    syllables: int

    @property
    def long_pauses(self) -> tuple[float, ...]:
        """The pauses over two seconds."""
        return tuple(pause for pause in self.pauses if pause > LONG_PAUSE_SECONDS)

    @property
    def longest_pause(self) -> float:
        """The longest pause within the answer (0 without any)."""
        return max(self.pauses, default=0.0)

    @property
    def syllables_per_minute(self) -> float:
        """Syllable nuclei per minute of talking: the breaths between sentences
        count, as in any speaking rate, a long pause does not."""
        return self.syllables * 60 / self.talking if self.talking else 0.0

    @property
    def words_per_minute(self) -> float:
        """The approximate speaking rate in words per minute."""
        return self.syllables_per_minute / SYLLABLES_PER_WORD


def decode(data: bytes, max_seconds: float | None = None) -> Signal:
    """The recording as mono samples in -1..1 at `SAMPLE_RATE`.

    Raises ValueError when the bytes hold no audio that FFmpeg can decode, or
    audio longer than `max_seconds`: decoding stops there, so a small file of
    hours of near-silence cannot fill the memory.
    """
    limit = None if max_seconds is None else round(max_seconds * SAMPLE_RATE)
    chunks: list[Signal] = []
    decoded = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise ValueError("The file holds no audio.")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            # Frame by frame, then None, which flushes the resampler.
            for frame in chain(container.decode(stream), [None]):
                for resampled in resampler.resample(frame):
                    chunk = resampled.to_ndarray().reshape(-1)
                    decoded += len(chunk)
                    if limit is not None and decoded > limit:
                        raise ValueError(
                            f"The recording is longer than {_span(limit)}."
                        )
                    chunks.append(chunk)
    except av.FFmpegError as error:
        raise ValueError("The audio could not be decoded.") from error
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _span(samples: int) -> str:
    """A length of audio in words, e.g. "20 minutes" or "45 seconds"."""
    seconds = samples / SAMPLE_RATE
    if seconds >= 60:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


def loudness_db(samples: Signal) -> npt.NDArray[np.float64]:
    """Loudness in dB full scale every `FRAME_SECONDS`, each over `WINDOW_SECONDS`
    centred on its frame (a sine of amplitude 1 is -3 dB)."""
    hop = round(FRAME_SECONDS * SAMPLE_RATE)
    frames = len(samples) // hop
    if frames == 0:
        return np.zeros(0)
    half = round(WINDOW_SECONDS * SAMPLE_RATE) // 2
    energy = np.concatenate(([0.0], np.cumsum(samples.astype(np.float64) ** 2)))
    centres = np.arange(frames) * hop + hop // 2
    starts = np.clip(centres - half, 0, len(samples))
    ends = np.clip(centres + half, 0, len(samples))
    mean_square = (energy[ends] - energy[starts]) / np.maximum(ends - starts, 1)
    return 10 * np.log10(np.maximum(mean_square, 1e-12))


def _sounding_spans(loud: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Runs of loud frames as [start, end) frame spans, short gaps bridged and
    short sounds dropped."""
    spans: list[tuple[int, int]] = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        gap = (start - spans[-1][1]) * FRAME_SECONDS if spans else None
        if gap is not None and gap < MIN_PAUSE_SECONDS:
            spans[-1] = (spans[-1][0], int(end))
        else:
            spans.append((int(start), int(end)))
    return [(s, e) for s, e in spans if (e - s) * FRAME_SECONDS >= MIN_SOUND_SECONDS]


def _is_voiced(samples: Signal, frame: int) -> bool:
    """True when the signal around the frame repeats at a speaking pitch."""
    hop = round(FRAME_SECONDS * SAMPLE_RATE)
    half = round(WINDOW_SECONDS * SAMPLE_RATE) // 2
    centre = frame * hop + hop // 2
    window = samples[max(centre - half, 0) : centre + half].astype(np.float64)
    window = window - window.mean()
    power = float(np.dot(window, window))
    if power <= 0:
        return False
    shortest = int(SAMPLE_RATE / PITCH_RANGE_HZ[1])
    longest = min(int(SAMPLE_RATE / PITCH_RANGE_HZ[0]), len(window) // 2)
    best = max(
        (
            float(np.dot(window[:-lag], window[lag:])) / power
            for lag in range(shortest, longest + 1)
        ),
        default=0.0,
    )
    return best >= VOICED_CORRELATION


def _syllable_nuclei(
    samples: Signal, db: npt.NDArray[np.float64], threshold: float
) -> int:
    """Loudness peaks above the threshold, each 2 dB above the dip before it, voiced."""
    count = 0
    dip = -np.inf  # the recording's start counts as a dip
    for frame in range(1, len(db) - 1):
        dip = min(dip, db[frame])
        is_peak = db[frame] >= db[frame - 1] and db[frame] > db[frame + 1]
        if not is_peak or db[frame] < threshold or db[frame] - dip < MIN_DIP_DB:
            continue
        if _is_voiced(samples, frame):
            count += 1
        dip = db[frame]  # the next peak must rise above the dip after this one
    return count


def analyse(samples: Signal) -> Delivery:
    """The delivery figures of a mono recording at `SAMPLE_RATE`."""
    duration = len(samples) / SAMPLE_RATE
    db = loudness_db(samples)
    if len(db) == 0:
        return Delivery(duration, None, 0.0, 0.0, 1.0, (), 0)
    # The 99th percentile rather than the maximum: a click must not set the scale.
    threshold = max(
        float(np.percentile(db, 99)) - SILENCE_BELOW_PEAK_DB, QUIETEST_SPEECH_DB
    )
    spans = _sounding_spans(db >= threshold)
    if not spans:
        return Delivery(duration, None, 0.0, 0.0, 1.0, (), 0)
    sounding = sum(end - start for start, end in spans) * FRAME_SECONDS
    pauses = tuple(
        round((start - previous_end) * FRAME_SECONDS, 2)
        for (_, previous_end), (start, _) in zip(spans, spans[1:], strict=False)
    )
    long_pauses = sum(pause for pause in pauses if pause > LONG_PAUSE_SECONDS)
    talking = (spans[-1][1] - spans[0][0]) * FRAME_SECONDS - long_pauses
    inside = np.full(len(db), -np.inf)
    for start, end in spans:
        inside[start:end] = db[start:end]
    return Delivery(
        duration=duration,
        first_word=round(spans[0][0] * FRAME_SECONDS, 2),
        sounding=round(sounding, 2),
        talking=round(talking, 2),
        silence_share=max(0.0, 1 - sounding / duration) if duration else 1.0,
        pauses=pauses,
        syllables=_syllable_nuclei(samples, inside, threshold),
    )


def loudness_outline(samples: Signal, points: int = 200) -> tuple[float, ...]:
    """The recording's loudness in `points` equal slices, each 0 (silence, 60 dB
    below full scale or quieter) to 1 (full scale): what a waveform is drawn from."""
    if len(samples) == 0:
        return (0.0,) * points
    slices = np.array_split(samples.astype(np.float64), points)
    levels = []
    for part in slices:
        rms = float(np.sqrt(np.mean(part**2))) if len(part) else 0.0
        db = 20 * np.log10(max(rms, 1e-6))
        levels.append(round(min(max((float(db) + 60) / 60, 0.0), 1.0), 3))
    return tuple(levels)
