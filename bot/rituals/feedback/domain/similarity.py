"""Which stored items look like a new one: TF-IDF words and character trigrams, in memory.

Every capture is compared with up to 500 recent items, after the ack but in the same process
as the acks: each text's words and trigram vector are therefore worked out once and kept (a
bounded cache keyed by the text); a candidate sharing no word with the new item is skipped
before any weighting (its word score is 0), and one whose word score cannot lift it into the
results even with a perfect trigram score is skipped before the trigrams. Same results as
computing everything each time.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

SIMILAR_LIMIT = 3
SIMILARITY_THRESHOLD = 0.35  # tuned on tests/test_feedback_similarity.py's labelled set


_STOPWORDS = frozenset(
    """a an and are as at be but by can could do does for from has have how i if in into is it
    its just like me more my need needs no not of on or our please so that the their them they
    this to too us very want wants was we were what when which while who why will with would
    you your customer customers they're it's can't cannot dont don't also really""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            if suffix in {"ing", "ed"} and len(stem) > 3 and stem[-1] == stem[-2] != "l":
                stem = stem[:-1]  # logging -> log, planned -> plan
            return stem
    return word


def terms(text: str) -> list[str]:
    """Content words, lower-cased and crudely stemmed (exports, exporting, exported: export)."""
    return list(_terms(text))


# Just over the candidate pool (500: queries.CANDIDATE_POOL; a smaller LRU would miss every
# time on the pool's cyclic reads). Typical feedback (a few hundred characters) keeps ~25 kB
# per text, ~15 MB in all; texts at the 3,000-character limit would keep ten times that.
CACHED_TEXTS = 600


@lru_cache(maxsize=CACHED_TEXTS)
def _terms(text: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)


@lru_cache(maxsize=CACHED_TEXTS)
def _word_set(text: str) -> frozenset[str]:
    return frozenset(_terms(text))


@lru_cache(maxsize=CACHED_TEXTS)
def _gram_vector(text: str) -> tuple[dict[str, float], float]:
    """The text's character-trigram counts and their norm (shared: never mutated)."""
    padded = f" {' '.join(_terms(text))} "
    grams = Counter(padded[i : i + 3] for i in range(len(padded) - 2))
    vector = {gram: float(count) for gram, count in grams.items()}
    return vector, math.sqrt(sum(w * w for w in vector.values()))


def _cosine(
    a: dict[str, float], b: dict[str, float], norms: tuple[float, float] | None = None
) -> float:
    if not a or not b:
        return 0.0
    if norms is None:
        norm_a = math.sqrt(sum(w * w for w in a.values()))
        norm_b = math.sqrt(sum(w * w for w in b.values()))
    else:
        norm_a, norm_b = norms
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b[key] for key, weight in a.items() if key in b)
    norm = norm_a * norm_b
    return dot / norm if norm else 0.0


@dataclass(frozen=True)
class Candidate:
    item_id: int
    text: str


@dataclass(frozen=True)
class Similar:
    item_id: int
    score: float


def similar_items(
    text: str,
    candidates: Sequence[Candidate],
    *,
    limit: int = SIMILAR_LIMIT,
    threshold: float = SIMILARITY_THRESHOLD,
) -> list[Similar]:
    """The candidates most like `text`, best first: the mean of a TF-IDF word cosine (what it is
    about) and a character-trigram cosine (typos, word forms). Works offline, in memory, over the
    few hundred recent items the caller passes."""
    query_terms = _terms(text)
    if not query_terms or not candidates:
        return []
    frequency: Counter[str] = Counter()
    for candidate in candidates:
        frequency.update(_word_set(candidate.text))
    total = len(candidates) + 1

    def tfidf(words: tuple[str, ...]) -> dict[str, float]:
        counts = Counter(words)
        return {
            word: (1 + math.log(count)) * math.log((1 + total) / (1 + frequency[word] + 1)) + 1e-9
            for word, count in counts.items()
        }

    query_vector = tfidf(query_terms)
    query_words = _word_set(text)
    query_grams, query_gram_norm = _gram_vector(text)
    scored: list[Similar] = []
    best: list[float] = []  # the `limit` best rounded scores so far (a min-heap)
    for candidate in candidates:
        if query_words.isdisjoint(_word_set(candidate.text)):
            continue  # no word in common: a word score of 0, as the cosine would say
        word_score = _cosine(query_vector, tfidf(_terms(candidate.text)))
        if word_score == 0.0:
            continue
        # The trigram score is at most 1: skip the trigrams when even that could not reach
        # the threshold or the current top `limit` (a rounded tie may still enter on its id).
        at_most = (word_score + 1) / 2
        if at_most < threshold or (len(best) == limit and round(at_most, 3) < best[0]):
            continue
        grams, gram_norm = _gram_vector(candidate.text)
        gram_score = _cosine(query_grams, grams, (query_gram_norm, gram_norm))
        score = (word_score + gram_score) / 2
        if score >= threshold:
            scored.append(Similar(candidate.item_id, round(score, 3)))
            heapq.heappush(best, round(score, 3))
            if len(best) > limit:
                heapq.heappop(best)
    scored.sort(key=lambda s: (-s.score, s.item_id))
    return scored[:limit]
