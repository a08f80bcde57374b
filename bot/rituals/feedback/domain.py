"""The feedback rules, free of Slack, SQL and HTTP: what a valid item is, how `/feedback <text>`
is read, which items look alike, which status changes are allowed and how a digest ranks things.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlparse

from bot.errors import UserFacingError

TEXT_LIMIT = 3000  # Slack's multi-line input limit; stored text round-trips at this length
ACCOUNT_NAME_LIMIT = 255
LINK_LIMIT = 2000
SIMILAR_LIMIT = 3
SIMILARITY_THRESHOLD = 0.35  # tuned on tests/test_feedback_similarity.py's labelled set


class Status(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    PLANNED = "planned"
    SHIPPED = "shipped"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.capitalize()


OPEN_STATUSES = (Status.NEW, Status.REVIEWED, Status.PLANNED)


class Source(StrEnum):
    CALL = "call"
    SUPPORT = "support"
    SLACK = "slack"
    EMAIL = "email"
    SURVEY = "survey"
    INTERVIEW = "interview"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "Slack" if self is Source.SLACK else self.value.capitalize()


class Importance(StrEnum):
    NICE_TO_HAVE = "nice-to-have"
    IMPORTANT = "important"
    BLOCKER = "blocker"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class FeedbackField(StrEnum):
    """The fields of the feedback form; errors are keyed by these."""

    TEXT = "text"
    ACCOUNT = "account"
    AREA = "area"
    SOURCE = "source"
    IMPORTANCE = "importance"
    LINK = "link"
    ON_BEHALF_OF = "on_behalf_of"


# ---- capture ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackDraft:
    """What someone wants stored, before validation."""

    text: str
    account_name: str | None = None
    area: str | None = None
    source: Source = Source.OTHER
    importance: Importance = Importance.IMPORTANT
    link: str | None = None
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class SourceMessage:
    """The Slack message an item was captured from."""

    channel_id: str
    ts: str
    permalink: str | None = None


class FeedbackInvalid(UserFacingError):
    """A draft that cannot be stored; `errors` maps a form field to what is wrong with it.
    Modals show them inline; elsewhere the error handler tells the person the sentence."""

    def __init__(self, errors: dict[FeedbackField, str]) -> None:
        super().__init__("Nothing was saved: " + " ".join(errors.values()))
        self.errors = errors


def is_valid_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc) and " " not in value


def clean_draft(draft: FeedbackDraft, *, areas: Sequence[str]) -> FeedbackDraft:
    """Trims and checks a draft; raises `FeedbackInvalid` naming every bad field."""
    errors: dict[FeedbackField, str] = {}
    text = draft.text.strip()
    if not text:
        errors[FeedbackField.TEXT] = "Write what the customer said."
    elif len(text) > TEXT_LIMIT:
        errors[FeedbackField.TEXT] = f"Keep it under {TEXT_LIMIT} characters."
    link = (draft.link or "").strip() or None
    if link is not None and (len(link) > LINK_LIMIT or not is_valid_url(link)):
        errors[FeedbackField.LINK] = "Enter a full web address, like https://example.com/call/42."
    area = match_area(draft.area, areas) if draft.area and draft.area.strip() else None
    if draft.area and draft.area.strip() and area is None:
        known = ", ".join(areas) or "none configured yet"
        errors[FeedbackField.AREA] = f"Unknown product area. Known areas: {known}."
    account = " ".join((draft.account_name or "").split()) or None
    if account is not None and len(account) > ACCOUNT_NAME_LIMIT:
        errors[FeedbackField.ACCOUNT] = f"Keep the account name under {ACCOUNT_NAME_LIMIT}."
    if errors:
        raise FeedbackInvalid(errors)
    return FeedbackDraft(
        text=text,
        account_name=account,
        area=area,
        source=draft.source,
        importance=draft.importance,
        link=link,
        on_behalf_of=draft.on_behalf_of,
    )


def match_area(value: str | None, areas: Sequence[str]) -> str | None:
    """The configured area a typed name means (case and spacing do not matter)."""
    if not value:
        return None
    wanted = _area_key(value)
    return next((area for area in areas if _area_key(area) == wanted), None)


def _area_key(value: str) -> str:
    return re.sub(r"[\s_-]+", "", value.strip().lstrip("#").lower())


_ACCOUNT_HINT = re.compile(r"^\s*\[([^\]]{1,255})\]\s*")
_AREA_HINT = re.compile(r"(?:^|\s)#([\w-]{1,64})\s*$")


@dataclass(frozen=True)
class QuickCapture:
    text: str
    account_name: str | None
    area_hint: str | None


def parse_quick_capture(text: str) -> QuickCapture:
    """Reads `/feedback [Acme] export to CSV is slow #reporting`: an account in brackets at the
    start, an area as a trailing hashtag. Anything else stays in the text."""
    account = None
    area = None
    rest = text.strip()
    found = _ACCOUNT_HINT.match(rest)
    if found:
        account = found.group(1).strip() or None
        rest = rest[found.end() :]
    tail = _AREA_HINT.search(rest)
    if tail:
        area = tail.group(1)
        rest = rest[: tail.start()]
    return QuickCapture(text=rest.strip(), account_name=account, area_hint=area)


def account_key(name: str) -> str:
    """Accounts are matched ignoring case and spacing: "ACME  corp" is "Acme Corp"."""
    return " ".join(name.split()).casefold()


def requester_key(*, account_id: int | None, user_id: str) -> str:
    """An account asks once per item; without an account, a person asks once."""
    return f"a:{account_id}" if account_id is not None else f"u:{user_id}"


# ---- similarity ------------------------------------------------------------------------------

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


# ---- lifecycle -------------------------------------------------------------------------------

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.REVIEWED, Status.PLANNED, Status.SHIPPED, Status.DECLINED}),
    Status.REVIEWED: frozenset({Status.NEW, Status.PLANNED, Status.SHIPPED, Status.DECLINED}),
    Status.PLANNED: frozenset({Status.REVIEWED, Status.SHIPPED, Status.DECLINED}),
    Status.SHIPPED: frozenset({Status.PLANNED}),
    Status.DECLINED: frozenset({Status.REVIEWED, Status.PLANNED}),
}


class StatusChangeInvalid(UserFacingError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


@dataclass(frozen=True)
class StatusRequest:
    status: Status
    link: str | None = None
    reason: str | None = None


def check_status_change(current: Status, request: StatusRequest) -> StatusRequest:
    """Planned needs a roadmap or tracker link; declined needs a reason; shipped and declined are
    ends that can only be reopened deliberately. Returns the cleaned request."""
    if request.status == current:
        return request
    if request.status not in _ALLOWED[current]:
        raise StatusChangeInvalid(
            "status", f"An item that is {current.value} cannot become {request.status.value}."
        )
    link = (request.link or "").strip() or None
    reason = (request.reason or "").strip() or None
    if request.status is Status.PLANNED and (link is None or not is_valid_url(link)):
        raise StatusChangeInvalid(
            "link", "Planned items need a roadmap or tracker link (https://…)."
        )
    if request.status is Status.DECLINED and reason is None:
        raise StatusChangeInvalid("reason", "Say why it is declined; the requesters will read it.")
    return StatusRequest(request.status, link, reason)


def needs_details(status: Status) -> bool:
    """Statuses that ask for a link or a reason before they can be set."""
    return status in {Status.PLANNED, Status.DECLINED}


# ---- digest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @classmethod
    def week_ending(cls, end: datetime) -> Window:
        return cls(end - timedelta(days=7), end)

    def previous(self) -> Window:
        return Window(self.start - (self.end - self.start), self.start)


@dataclass(frozen=True)
class AccountTally:
    name: str
    items: int
    arr: int | None

    @property
    def weight(self) -> int:
        """Items weighted by ARR: the revenue asking this week. Accounts without a known ARR
        count as 1, so they follow every account with one, ordered by their item count."""
        return self.items * max(self.arr or 0, 1)


@dataclass(frozen=True)
class DigestItem:
    item_id: int
    text: str
    account_name: str | None
    area: str | None
    status: Status
    request_count: int
    captured_at: datetime
    permalink: str | None


@dataclass(frozen=True)
class Digest:
    area: str | None
    window: Window
    new_this_week: int
    new_last_week: int
    by_area: list[tuple[str, int]]
    top_accounts: list[AccountTally]
    most_requested: list[DigestItem]
    awaiting_review: list[DigestItem]
    awaiting_review_total: int
    median_time_to_review: timedelta | None
    new_items: list[DigestItem] = field(default_factory=list)


def rank_accounts(tallies: Iterable[AccountTally], limit: int = 5) -> list[AccountTally]:
    return sorted(tallies, key=lambda t: (-t.weight, -t.items, t.name.casefold()))[:limit]


def describe_age(age: timedelta) -> str:
    days = age.days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = int(age.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}" if hours else "under an hour"


def trend(this_week: int, last_week: int) -> str:
    if last_week == 0:
        return "new this week" if this_week else "no change"
    change = round((this_week - last_week) * 100 / last_week)
    return f"{'+' if change >= 0 else ''}{change}% vs last week"


# ---- accounts and export ---------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRecord:
    name: str
    external_id: str | None = None
    segment: str | None = None
    arr: int | None = None
    owner_user_id: str | None = None


class AccountsFileInvalid(Exception):
    pass


def parse_accounts_csv(content: str) -> list[AccountRecord]:
    """Reads `name,external_id,segment,arr,owner` (header required, only `name` mandatory).
    ARR accepts `120000`, `120,000` or `$120k`; owner is a Slack user id."""
    reader = csv.DictReader(io.StringIO(content))
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if "name" not in header:
        raise AccountsFileInvalid("the first line must be a header with at least a `name` column")
    records: list[AccountRecord] = []
    for line_number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        name = " ".join(row.get("name", "").split())
        if not name:
            raise AccountsFileInvalid(f"line {line_number}: the account has no name")
        records.append(
            AccountRecord(
                name=name[:ACCOUNT_NAME_LIMIT],
                external_id=row.get("external_id") or None,
                segment=row.get("segment") or None,
                arr=_parse_arr(row.get("arr", ""), line_number),
                owner_user_id=row.get("owner") or row.get("owner_user_id") or None,
            )
        )
    return records


def _parse_arr(value: str, line_number: int) -> int | None:
    cleaned = value.replace(",", "").replace("$", "").replace("€", "").strip().lower()
    if not cleaned:
        return None
    multiplier = 1
    if cleaned[-1] in {"k", "m"}:
        multiplier = 1000 if cleaned[-1] == "k" else 1_000_000
        cleaned = cleaned[:-1]
    try:
        return round(float(cleaned) * multiplier)
    except ValueError:
        raise AccountsFileInvalid(f"line {line_number}: ARR {value!r} is not a number") from None


EXPORT_COLUMNS = (
    "id",
    "captured_at",
    "text",
    "account",
    "area",
    "source",
    "importance",
    "status",
    "requests",
    "submitted_by",
    "on_behalf_of",
    "link",
    "status_link",
    "decline_reason",
    "permalink",
    "merged_into",
)


@dataclass(frozen=True)
class ItemSummary:
    """One stored item as people see it (confirmation, modal prefill, Home, loop closing)."""

    item_id: int
    text: str
    account_name: str | None
    area: str | None
    source: Source
    importance: Importance
    link: str | None
    status: Status
    on_behalf_of: str
    submitted_by: str
    request_count: int
    permalink: str | None
    status_link: str | None
    decline_reason: str | None
    merged_into_id: int | None


@dataclass(frozen=True)
class SimilarItem:
    item_id: int
    text: str
    account_name: str | None
    request_count: int
    score: float


@dataclass(frozen=True)
class CaptureResult:
    item: ItemSummary
    created: bool
    similar: list[SimilarItem]


@dataclass(frozen=True)
class StatusChange:
    item: ItemSummary
    previous: Status
    notify: list[str]  # people told privately: submitters, on-behalf-of people, account owners

    @property
    def changed(self) -> bool:
        return self.previous != self.item.status


MERGE_CHOICE = "merge"


@dataclass(frozen=True)
class ItemAction:
    """A choice in an item's menu (digest, App Home): a new status, or "merge into…"."""

    item_id: int
    choice: Status | None  # None: merge

    def encode(self) -> str:
        return f"{self.item_id}:{self.choice.value if self.choice else MERGE_CHOICE}"

    @classmethod
    def decode(cls, value: str) -> ItemAction:
        item, _, choice = value.partition(":")
        return cls(int(item), None if choice == MERGE_CHOICE else Status(choice))


@dataclass(frozen=True)
class ReadMessage:
    """A Slack message read back for capture (the reaction path)."""

    text: str
    author_id: str | None
    permalink: str | None


class MessageUnreadable(Exception):
    """The bot cannot read the channel (not a member, private, gone)."""


class ReactionOutcome(StrEnum):
    IGNORED = "ignored"  # not the capture emoji
    CAPTURED = "captured"
    ALREADY_CAPTURED = "already-captured"
    UNREADABLE = "unreadable"  # tell the reactor how to invite the bot
    EMPTY = "empty"  # nothing to capture (a file without text, a deleted message)


def is_capture_emoji(reaction: str, capture_emoji: str) -> bool:
    """`bulb` and `bulb::skin-tone-3` are the same reaction."""
    return reaction.split("::", 1)[0] == capture_emoji.strip(":")


class AccountInvalid(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def account_from_form(
    *,
    name: str,
    external_id: str | None,
    segment: str | None,
    arr: str | None,
    owner_user_id: str | None,
) -> AccountRecord:
    """Checks the account editor's fields (name required, ARR a number like 120k)."""
    clean_name = " ".join(name.split())
    if not clean_name:
        raise AccountInvalid("name", "Give the account a name.")
    if len(clean_name) > ACCOUNT_NAME_LIMIT:
        raise AccountInvalid("name", f"Keep the name under {ACCOUNT_NAME_LIMIT} characters.")
    try:
        parsed_arr = _parse_arr(arr or "", 0)
    except AccountsFileInvalid:
        raise AccountInvalid("arr", "ARR must be a number, like 120000 or 120k.") from None
    return AccountRecord(
        name=clean_name,
        external_id=(external_id or "").strip() or None,
        segment=(segment or "").strip() or None,
        arr=parsed_arr,
        owner_user_id=owner_user_id,
    )


class CommandKind(StrEnum):
    FORM = "form"  # `/feedback`
    HELP = "help"  # `/feedback help`
    EXPORT = "export"  # `/feedback export`
    EDIT_ACCOUNT = "edit-account"  # `/feedback edit account Acme`
    CAPTURE = "capture"  # `/feedback <what they said>`


@dataclass(frozen=True)
class FeedbackCommand:
    kind: CommandKind
    argument: str = ""


_EDIT_ACCOUNT = re.compile(r"^edit\s+account\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


def parse_feedback_command(text: str) -> FeedbackCommand:
    """Subcommands are whole words on their own, so feedback that merely starts with "export"
    ("export to CSV is slow") is captured, not mistaken for an export."""
    stripped = text.strip()
    if not stripped:
        return FeedbackCommand(CommandKind.FORM)
    if stripped.lower() in {"help", "export"}:
        return FeedbackCommand(CommandKind(stripped.lower()))
    edit = _EDIT_ACCOUNT.match(stripped)
    if edit:
        return FeedbackCommand(CommandKind.EDIT_ACCOUNT, " ".join(edit.group(1).split()))
    return FeedbackCommand(CommandKind.CAPTURE, stripped)
