"""GitHub Markdown → Slack mrkdwn, walking markdown-it-py's token stream (pure; no regexes).

Headings become bold lines, lists keep their bullets and numbers (nested lists indented), links
become `<url|label>` only for http(s) URLs, code spans and fences survive as code, bold and
italics map to `*`/`_`. Every piece of text goes through the shared mrkdwn escape, so a release
body cannot ping `@channel` or smuggle a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.slack.mrkdwn import escape, safe_url

BULLET = "•"
RULE = "───────────"


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def to_mrkdwn(markdown: str) -> str:
    """The whole document as Slack mrkdwn (paragraphs separated by one blank line)."""
    tokens = _parser().parse(markdown)
    writer = _Writer()
    writer.blocks(tokens)
    return writer.result()


@dataclass
class _List:
    ordered: bool
    next_number: int
    tight: bool


@dataclass
class _Writer:
    lines: list[str] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    quote_depth: int = 0
    pending_prefix: str | None = None  # a list item's bullet, waiting for its first line
    table_row: list[str] = field(default_factory=list)

    def result(self) -> str:
        text = "\n".join(self.lines)
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.strip("\n")

    # ---- block level --------------------------------------------------------------------------
    def blocks(self, tokens: list[Token]) -> None:
        previous = ""
        for token in tokens:
            self.block(token, previous)
            previous = token.type

    def block(self, token: Token, previous: str) -> None:
        kind = token.type
        if kind == "heading_close" or (kind == "paragraph_close" and not self._tight()):
            self._blank()
        elif kind == "inline":
            self._inline_block(token, previous)
        elif kind in {"bullet_list_open", "ordered_list_open"}:
            start = int(token.attrGet("start") or 1)
            tight = bool(token.meta.get("tight", True)) if token.meta else True
            self.lists.append(_List(kind == "ordered_list_open", start, tight))
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            self.lists.pop()
            if not self.lists:
                self._blank()
        elif kind == "list_item_open":
            current = self.lists[-1]
            if current.ordered:
                marker = f"{current.next_number}."
                current.next_number += 1
            else:
                marker = BULLET
            self.pending_prefix = "    " * (len(self.lists) - 1) + marker + " "
        elif kind == "list_item_close":
            self.pending_prefix = None
        elif kind == "blockquote_open":
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
            self._blank()
        elif kind in {"fence", "code_block"}:
            body = escape(token.content.rstrip("\n"))
            self._emit(f"```\n{body}\n```" if body else "```\n```")
            self._blank()
        elif kind == "hr":
            self._emit(RULE)
            self._blank()
        elif kind == "html_block":
            self._emit(escape(token.content.rstrip("\n")))
            self._blank()
        elif kind == "tr_open":
            self.table_row = []
        elif kind == "tr_close":
            self._emit(" | ".join(self.table_row))
        elif kind == "table_close":
            self._blank()
        # heading_open, paragraph_open, thead/tbody and th/td opens need no output of their own

    def _inline_block(self, token: Token, opened_by: str) -> None:
        text = self.inline(token.children or [])
        if opened_by in {"th_open", "td_open"}:
            self.table_row.append(f"*{text}*" if opened_by == "th_open" and text else text)
            return
        if opened_by == "heading_open" and text:
            text = f"*{text.replace('*', '')}*"
        self._emit(text)

    def _tight(self) -> bool:
        return bool(self.lists) and self.lists[-1].tight

    def _blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _emit(self, text: str) -> None:
        quote = "> " * self.quote_depth
        indent = "    " * len(self.lists) if self.lists else ""
        for number, line in enumerate(text.split("\n")):
            if number == 0 and self.pending_prefix is not None:
                self.lines.append(quote + self.pending_prefix + line)
                self.pending_prefix = None
            elif number == 0 or not line.startswith("```"):
                self.lines.append(quote + (indent if self.lists and number else "") + line)
            else:
                self.lines.append(quote + line)

    # ---- inline level -------------------------------------------------------------------------
    def inline(self, children: list[Token]) -> str:
        out: list[str] = []
        links: list[tuple[str, int]] = []  # (href, position in `out`) of open links
        for child in children:
            kind = child.type
            if kind == "text":
                out.append(escape(child.content))
            elif kind == "code_inline":
                out.append(f"`{escape(child.content)}`")
            elif kind in {"strong_open", "strong_close"}:
                out.append("*")
            elif kind in {"em_open", "em_close"}:
                out.append("_")
            elif kind in {"s_open", "s_close"}:
                out.append("~")
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("\n")
            elif kind == "link_open":
                links.append((str(child.attrGet("href") or ""), len(out)))
            elif kind == "link_close" and links:
                href, start = links.pop()
                label = "".join(out[start:])
                del out[start:]
                out.append(_link_markup(href, label))
            elif kind == "image":
                alt = child.content or "image"
                out.append(_link_markup(str(child.attrGet("src") or ""), escape(alt)))
            elif kind == "html_inline":
                out.append(escape(child.content))
        return "".join(out)


def _link_markup(href: str, escaped_label: str) -> str:
    """A label already in mrkdwn, linked when the URL is safe (http(s), see `safe_url`). The
    label's own formatting marks are left out (Slack does not format inside `<url|label>`)."""
    plain = escaped_label.replace("*", "").replace("_", "").replace("`", "").replace("|", "¦")
    url = safe_url(href)
    if url is None:
        return escaped_label or escape(href)
    return f"<{url}|{plain.strip() or escape(url)}>"
