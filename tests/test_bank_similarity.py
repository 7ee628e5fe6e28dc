"""The near-duplicate rule: its fast bound never changes difflib's answer."""

from __future__ import annotations

from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from mockint.bank_similarity import normalise_text, similarity

words = st.sampled_from(
    ["tell", "me", "about", "a", "time", "you", "led", "team", "budget", "why", "this"]
)
sentences = st.lists(words, min_size=1, max_size=25).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(a=sentences, b=sentences, bar=st.sampled_from([0.8, 0.9]))
def test_similarity_is_difflibs_ratio_above_the_bar(a: str, b: str, bar: float) -> None:
    exact = SequenceMatcher(None, a, b, autojunk=False).ratio()
    found = similarity(a, b, bar)
    if exact >= bar:
        assert found == exact
    else:
        assert found is None


def test_normalised_texts_ignore_case_punctuation_and_spacing() -> None:
    assert normalise_text("Tell me,  about YOU!") == "tell me about you"
    assert similarity(normalise_text("Why us?"), normalise_text("why  US"), 0.9) == 1.0
