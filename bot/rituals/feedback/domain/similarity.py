"""Which stored items look like a new one: TF-IDF words and character trigrams, in memory."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

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
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]


def _trigrams(text: str) -> Counter[str]:
    squashed = " ".join(terms(text))
    padded = f" {squashed} "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(key, 0.0) for key, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
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
    query_terms = terms(text)
    if not query_terms or not candidates:
        return []
    documents = [terms(candidate.text) for candidate in candidates]
    frequency: Counter[str] = Counter()
    for words in documents:
        frequency.update(set(words))
    total = len(documents) + 1

    def tfidf(words: list[str]) -> dict[str, float]:
        counts = Counter(words)
        return {
            word: (1 + math.log(count)) * math.log((1 + total) / (1 + frequency[word] + 1)) + 1e-9
            for word, count in counts.items()
        }

    query_vector = tfidf(query_terms)
    query_grams = {k: float(v) for k, v in _trigrams(text).items()}
    scored: list[Similar] = []
    for candidate, words in zip(candidates, documents, strict=True):
        word_score = _cosine(query_vector, tfidf(words))
        if word_score == 0.0:
            continue
        gram_score = _cosine(
            query_grams, {k: float(v) for k, v in _trigrams(candidate.text).items()}
        )
        score = (word_score + gram_score) / 2
        if score >= threshold:
            scored.append(Similar(candidate.item_id, round(score, 3)))
    scored.sort(key=lambda s: (-s.score, s.item_id))
    return scored[:limit]
