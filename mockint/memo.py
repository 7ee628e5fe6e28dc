"""A bounded memo: the caches that keep per-process copies of pure results."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Remembered(dict[K, V]):
    """A dict that forgets everything once it holds `limit` entries.

    For results whose keys recur (links, markup, verified cookies): clearing now
    and then keeps memory bounded at the cost of remaking what is still used.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: K, value: V) -> V:
        """Keep the value under the key; return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def made(self, key: K, make: Callable[[], V]) -> V:
        """The value kept under the key, made and kept on first use; made afresh
        every time for a key that cannot be hashed."""
        try:
            return self[key]
        except KeyError:
            return self.remember(key, make())
        except TypeError:  # an unhashable value, such as a list, in the key
            return make()
