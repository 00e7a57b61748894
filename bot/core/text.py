"""Safe Slack mrkdwn: every piece of user or document text goes through `escape`."""

from __future__ import annotations

import re

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def escape(text: str) -> str:
    """Escape `&`, `<`, `>` so text cannot form mentions, `<!channel>` or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    """A user mention; anything that is not a Slack user id is escaped instead."""
    return f"<@{user_id}>" if USER_ID.match(user_id) else escape(user_id)


def without_mention(text: str, user_id: str | None) -> str:
    """The text with `user_id`'s mentions taken out (how the bot was addressed); its lines
    stay lines."""
    if not user_id:
        return text
    pattern = re.compile(rf"<@{re.escape(user_id)}(?:\|[^>]*)?>")
    if not pattern.search(text):
        return text
    text = re.sub(r"[ \t]{2,}", " ", pattern.sub(" ", text))
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def link(url: str, label: str) -> str:
    """A mrkdwn link with an escaped label (`|` and `>` cannot break out)."""
    safe_url = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unformat(message: object) -> str:
    """Slack mrkdwn as plain text for a terminal or a file: no ticks, bold or italics,
    mentions as @id, entities decoded."""
    text = MENTION.sub(r"@\1", str(message)).replace("`", "").replace("*", "")
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
