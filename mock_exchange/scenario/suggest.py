"""'Did you mean ...?' for a misspelt step kind, field, argument, method or matcher."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The choice ``word`` most likely meant (difflib's ratio of at least 0.6), else None."""
    if not isinstance(word, str) or not word:
        return None
    options = sorted(set(choices))
    found = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if found:
        return found[0]
    # A different case or separators (`placeOco`, `Place-OCO`) is still the same word.
    folded = {option.replace("_", "").replace("-", "").lower(): option for option in options}
    return folded.get(word.replace("_", "").replace("-", "").lower())


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` to append to a message, or an empty string."""
    found = closest(word, choices)
    return f" (did you mean {found!r}?)" if found is not None and found != word else ""
