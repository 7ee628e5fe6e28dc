"""Sounds with known figures for the tests: silence, voiced bursts, noise, and
the same encoded as a browser records them."""

from __future__ import annotations

import io
import wave

import av
import numpy as np

from mockint.delivery import SAMPLE_RATE, Signal

RANDOM = np.random.default_rng(11)


def silence(seconds: float) -> Signal:
    """Digital silence."""
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


def vowel(seconds: float, pitch: float = 150.0) -> Signal:
    """A voiced burst: a pitch and its first harmonics, like a sung vowel."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave_ = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 6))
    return (0.3 * wave_ / np.max(np.abs(wave_))).astype(np.float32)


def noise(seconds: float, level: float = 0.3) -> Signal:
    """White noise: loud, but unvoiced."""
    return (level * RANDOM.uniform(-1, 1, round(seconds * SAMPLE_RATE))).astype(
        np.float32
    )


def syllables(count: int, on: float = 0.12, off: float = 0.13) -> Signal:
    """`count` vowels with short silences between them, as in running speech."""
    parts = []
    for index in range(count):
        parts.append(vowel(on, pitch=140 + 10 * (index % 3)))
        if index < count - 1:
            parts.append(silence(off))
    return np.concatenate(parts)


def answer() -> Signal:
    """1.5 s before the first word, six syllables, a 3 s pause, four more."""
    return np.concatenate(
        [silence(1.5), syllables(6), silence(3.0), syllables(4), silence(0.5)]
    )


def wav_bytes(samples: Signal, rate: int = SAMPLE_RATE) -> bytes:
    """The samples as a 16-bit WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def encoded(samples: Signal, container: str, codec: str) -> bytes:
    """The samples encoded as a browser would record them (48 kHz)."""
    upsampled = np.interp(
        np.arange(len(samples) * 3) / 3, np.arange(len(samples)), samples
    ).astype(np.float32)
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=48_000, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            upsampled.reshape(1, -1), format="flt", layout="mono"
        )
        frame.rate = 48_000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()
