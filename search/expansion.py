"""Pure query handling: normalising words, expanding a query with the site's taxonomy, spelling hints.

No Django here: the selectors pass in the vocabularies (tag names, sub-pillar names, titles...).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents: "Évora" -> "evora"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text; hyphens and punctuation separate words ("co-creation" -> co, creation)."""
    return _WORD.findall(fold(text))


def compact(text: str) -> str:
    """Folded letters and digits only: "Co-creation" and "cocreation" compare equal."""
    return "".join(words(text))


def _contains_phrase(haystack: list[str], needle: list[str]) -> bool:
    if not needle or len(needle) > len(haystack):
        return False
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def term_matches(query: str, term: str) -> bool:
    """Does the query name this taxonomy term?

    True when the term's words appear as a phrase in the query ("co-creation workshops" names
    "Co-creation"), or when both are the same once punctuation is dropped ("cocreation").
    A query shorter than the term only matches when it is the whole term (no over-eager expansion).
    """
    query_words, term_words = words(query), words(term)
    if not query_words or not term_words:
        return False
    if compact(query) == compact(term):
        return True
    return _contains_phrase(query_words, term_words)


def expand(query: str, vocabulary: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The taxonomy terms a query names, per taxonomy: {"tag": ["co-creation"], "subpillar": [...]}.

    `vocabulary` maps a taxonomy ("tag", "subpillar", "principle") to its term names (or codes whose
    names the caller maps). Terms keep their stored spelling so they can be used in database filters.
    """
    found: dict[str, list[str]] = {}
    for taxonomy, terms in vocabulary.items():
        matched = sorted({term for term in terms if term_matches(query, term)})
        if matched:
            found[taxonomy] = matched
    return found


@dataclass(frozen=True)
class SpellingVocabulary:
    """Names prepared once for spelling hints: folded name -> name, and the words of all names."""

    by_fold: dict[str, str]
    words: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> SpellingVocabulary:
        kept = {name.strip() for name in names if name and name.strip()}
        return cls(
            by_fold={fold(name): name for name in sorted(kept)},
            words=frozenset(word for name in kept for word in words(name) if len(word) > 2),
        )


def suggest_spelling(
    query: str, vocabulary: Iterable[str] | SpellingVocabulary, *, limit: int = 3
) -> list[str]:
    """Spelling corrections for a query that found nothing, from the site's own words and names.

    The whole query is compared with names (titles, tags, authorities); failing that each word is
    corrected against the words of those names and the corrected query is offered. Preparing the names
    (`SpellingVocabulary.of`) is most of the work: callers with many names keep the prepared one.
    """
    query = query.strip()
    if not query:
        return []
    if not isinstance(vocabulary, SpellingVocabulary):
        vocabulary = SpellingVocabulary.of(vocabulary)
    by_fold = vocabulary.by_fold
    suggestions = [
        by_fold[match]
        for match in difflib.get_close_matches(fold(query), list(by_fold), n=limit, cutoff=0.75)
    ]
    vocabulary_words = sorted(vocabulary.words)
    corrected = []
    changed = False
    for word in words(query):
        if word in vocabulary.words or len(word) < 3:
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary_words, n=1, cutoff=0.75)
        if close:
            corrected.append(close[0])
            changed = True
        else:
            corrected.append(word)
    if changed:
        phrase = " ".join(corrected)
        if fold(phrase) not in {fold(s) for s in suggestions}:
            suggestions.append(phrase)
    return [s for s in suggestions if fold(s) != fold(query)][:limit]
