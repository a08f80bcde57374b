"""Release notes split into messages that fit Block Kit without ever cutting a word, a link or
a code block in half."""

from __future__ import annotations

from collections.abc import Sequence

FENCE = "```"


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, then line, then word
    boundaries; never inside a `<link|label>`; a code block cut in two is closed and reopened,
    so each piece renders on its own. Nothing is dropped."""
    if limit < 20:
        raise ValueError("limit too small to split into readable pieces")
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    in_fence = False
    room = limit - len(FENCE) - 1  # space to close a code block cut in two

    def flush() -> None:
        nonlocal current, size
        if not current:
            return
        body = "\n".join(current)
        if in_fence:
            body += "\n" + FENCE
        pieces.append(body)
        current = [FENCE] if in_fence else []
        size = len(FENCE) if in_fence else 0

    for line in text.split("\n"):
        for part in _fit_line(line, room - (len(FENCE) + 1)):
            extra = len(part) + (1 if current else 0)
            if size + extra > room:
                flush()
                extra = len(part) + (1 if current else 0)
            current.append(part)
            size += extra
        if line.strip().startswith(FENCE):
            in_fence = not in_fence if line.strip() == FENCE or not in_fence else in_fence
    if current and any(p.strip() for p in current):
        pieces.append("\n".join(current))
    return _drop_empty_edges(pieces)


def _fit_line(line: str, limit: int) -> list[str]:
    """A line longer than `limit` cut between words, never inside `<…>`."""
    if len(line) <= limit:
        return [line]
    words = _words_keeping_links(line)
    parts: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(word) > limit:  # one unbroken word longer than a message: no choice
            parts.append(word[:limit])
            word = word[limit:]
        current = word
    if current:
        parts.append(current)
    return parts


def _words_keeping_links(line: str) -> list[str]:
    words: list[str] = []
    depth_word = ""
    inside = False
    for char in line:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        if char == " " and not inside:
            if depth_word:
                words.append(depth_word)
            depth_word = ""
        else:
            depth_word += char
    if depth_word:
        words.append(depth_word)
    return words


def _drop_empty_edges(pieces: list[str]) -> list[str]:
    cleaned = [p.strip("\n") for p in pieces]
    return [p for p in cleaned if p.strip()]


def group_pieces(pieces: Sequence[int], *, per_message: int) -> list[list[int]]:
    """Indexes of blocks grouped into messages of at most `per_message` blocks."""
    return [list(pieces[i : i + per_message]) for i in range(0, len(pieces), per_message)]
