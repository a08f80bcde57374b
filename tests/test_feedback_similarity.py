"""Similar-feedback suggestions, measured on a small labelled set (no network, no model).

Each query is a new piece of feedback; `expected` is the existing item that says the same thing
(None: nothing in the corpus does). Precision is the share of suggestions that are right;
recall is the share of queries with a duplicate whose duplicate is suggested.
"""

from __future__ import annotations

import random

from bot.rituals.feedback.domain import Candidate, similar_items

CORPUS = {
    1: "Export to CSV is very slow for large reports",
    2: "Single sign-on with Okta is required before they can roll out",
    3: "The mobile app logs users out every few hours",
    4: "Dashboards should support dark mode",
    5: "Need an audit log of who changed permissions",
    6: "Billing page should show invoices in EUR",
    7: "Salesforce integration does not sync custom fields",
    8: "Bulk edit for tasks would save them hours each week",
    9: "Slack notifications when a report finishes",
    10: "The onboarding checklist is confusing for new admins",
    11: "API rate limits are too low for their nightly sync",
    12: "Charts cannot be exported as PNG images",
    13: "Two-factor authentication via SMS, not only authenticator apps",
    14: "Search does not find archived projects",
    15: "Calendar view for deadlines",
    16: "Gantt chart for project timelines",
    17: "Offline mode on the iPad app for field workers",
    18: "Webhooks for status changes",
    19: "Custom roles with fine-grained permissions",
    20: "Data residency in the EU for GDPR",
}

LABELLED: list[tuple[str, int | None]] = [
    ("CSV exports are slow when the report is big", 1),
    ("Exporting large reports to csv takes forever", 1),
    ("They need Okta SSO (single sign-on) before rollout", 2),
    ("iOS app keeps logging people out", 3),
    ("Dark mode for the dashboards please", 4),
    ("Audit log showing permission changes", 5),
    ("Invoices in euros on the billing page", 6),
    ("Custom fields are not syncing from Salesforce", 7),
    ("Bulk editing of tasks", 8),
    ("Notify us in Slack when reports are finished", 9),
    ("New admins find the onboarding checklist confusing", 10),
    ("Nightly sync hits the API rate limit", 11),
    ("Export charts as PNG", 12),
    ("SMS two-factor authentication option", 13),
    ("Archived projects missing from search results", 14),
    ("Offline mode for the iPad app", 17),
    ("EU data residency requirement for GDPR", 20),
    ("They love the new logo", None),
    ("Pricing is too high for small teams", None),
    ("Support answered quickly, great experience", None),
    ("Add a Zapier integration", None),
    ("Keyboard shortcuts for power users", None),
    ("Printable PDF version of the weekly summary", None),
    ("Translate the interface into Japanese", None),
    ("Video tutorials for the reporting module", None),
]


def _suggest(text: str) -> list[int]:
    candidates = [Candidate(item_id, body) for item_id, body in CORPUS.items()]
    return [s.item_id for s in similar_items(text, candidates)]


def test_suggestions_have_high_precision_on_the_labelled_set() -> None:
    suggested = [(expected, _suggest(query)) for query, expected in LABELLED]
    made = sum(len(ids) for _, ids in suggested)
    right = sum(1 for expected, ids in suggested for i in ids if i == expected)

    precision = right / made
    assert precision >= 0.8, f"precision {precision:.2f} on {made} suggestions"


def test_suggestions_find_most_duplicates_on_the_labelled_set() -> None:
    with_duplicate = [(query, expected) for query, expected in LABELLED if expected is not None]
    found = sum(1 for query, expected in with_duplicate if expected in _suggest(query))

    recall = found / len(with_duplicate)
    assert recall >= 0.75, f"recall {recall:.2f}"


def test_unrelated_feedback_gets_no_suggestion() -> None:
    unrelated = [query for query, expected in LABELLED if expected is None]

    assert [q for q in unrelated if _suggest(q)] == []


def test_at_most_three_suggestions_best_first() -> None:
    candidates = [Candidate(i, "export csv report slow " + "x" * i) for i in range(1, 8)]

    found = similar_items("slow csv export of reports", candidates)

    assert len(found) == 3
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_skipping_hopeless_candidates_gives_the_same_top_three_as_scoring_all() -> None:
    """The search skips candidates that cannot make the top three (bot/rituals/feedback/domain/
    similarity.py); ranking every candidate above the threshold and cutting gives the same."""
    words = " ".join(CORPUS.values()).split()
    rng = random.Random(7)
    candidates = [
        Candidate(item_id, " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))))
        for item_id in range(400)
    ]
    queries = [" ".join(rng.choice(words) for _ in range(rng.randint(2, 10))) for _ in range(60)]

    for query in queries:
        every = similar_items(query, candidates, limit=len(candidates))
        assert similar_items(query, candidates) == every[:3], query
