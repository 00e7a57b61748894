"""The `kb` skill: questions answered from the project's documents, and the document list.

Questions reach it by name (`ask …`, `kb …`) or, when no other skill wants a message,
because it reads as a question (`looks_like_question`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.core import projects
from bot.core.args import parse_flags
from bot.core.context import Context
from bot.core.messages import Action, Message, Reply, UserError
from bot.core.models import Project
from bot.core.skills import Skill
from bot.core.text import MENTION, escape
from knowledge.vector_store import ORG_SCOPE
from skills.kb import answers, service
from skills.kb.index import retriever
from skills.kb.models import KbAnswer, KbDocument, KbFeedback
from skills.kb.views import (
    ADD_HINT,
    HELPFUL,
    UNHELPFUL,
    answer_reply,
    documents_text,
    outcome_line,
)

skill = Skill(
    "kb",
    "The project's documents: what is indexed, how search runs, removing one.",
    examples=["kb list", "kb remove #12", "kb status"],
    aliases=("knowledge",),
    details=(
        "Files (.md, .txt, .pdf, .docx, .html) shared in a project channel are added "
        "automatically; `livepmo ingest PATH --project KEY` adds folders. `kb list`, "
        "`kb remove #ID` (PMs), `kb status`; add `--project KEY` to pick a project."
    ),
    priority=71,
)

ask_skill = Skill(
    "ask",
    "Answer questions from the project's documents, with sources.",
    examples=["ask who approves a change request?", "ask when is code freeze?"],
    aliases=("question",),
    details=(
        "Ask in a sentence, or just mention me with a question. I answer in the thread from "
        "the documents of the channel's project and the org-wide ones (in a DM, from all your "
        "projects), quoting the passages with numbered sources. If the documents don't say, I "
        "tell you and list the closest ones. A follow-up in the same thread keeps the context. "
        "`--project KEY` picks a project."
    ),
    priority=70,
)

QUESTION = re.compile(
    r"\?\s*$|^(?:who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|"
    r"can|could|should|would|will|may|must|has|have|tell\s+me|explain)\b",
    re.I,
)
ABOUT_THE_BOT = re.compile(
    r"\b(?:what\s+can\s+you\s+do|help|commands?|how\s+(?:do|can)\s+i\s+(?:use|log|add|create|"
    r"set\s+up|give|report|export|link|update|close))\b",
    re.I,
)
PROJECT_FLAG = re.compile(r"(?:^|\s)--project[= ](\S+)")
SUBCOMMANDS = {"", "status", "list", "ls", "documents", "remove", "delete", "rm", "add", "help"}


def looks_like_question(text: str) -> bool:
    """A question for the documents (not one about using the bot)."""
    body = MENTION.sub(" ", text or "").strip()
    return len(body.split()) >= 2 and bool(QUESTION.search(body)) and not ABOUT_THE_BOT.search(body)


def follows_an_answer(text: str, message: Message, session: Session) -> bool:
    """A message in a thread where I answered a question is a follow-up to it."""
    thread = message.thread_ts
    return bool(
        thread
        and thread != message.ts
        and not ABOUT_THE_BOT.search(text)
        and answers.previous_answer(session, message.channel, thread) is not None
    )


ask_skill.claim = looks_like_question
ask_skill.claim_message = follows_an_answer


def where_label(project: Project | None, scopes: list[str]) -> str:
    if project:
        return f"the `{project.key}` documents"
    return "the org-wide documents" if scopes == [ORG_SCOPE] else "your projects' documents"


def search_scopes(ctx: Context, key: str | None) -> tuple[Project | None, list[str]]:
    """The project asked about (if one) and the scopes to search.

    `--project KEY` or the channel's project: that project plus the org-wide documents.
    A DM: every project the user is in. Any other channel: the org-wide documents only.
    """
    if key or ctx.project:
        project = ctx.project_for(key)
        if key:
            ctx.require_member(project)
        return project, [service.scope_of(project), ORG_SCOPE]
    if ctx.is_dm:
        mine = projects.projects_for_user(ctx.session, ctx.user)
        return None, [*(service.scope_of(p) for p in mine), ORG_SCOPE]
    return None, [ORG_SCOPE]


def kb_status(ctx: Context, key: str | None) -> Reply:
    project, scopes = search_scopes(ctx, key)
    kb = retriever(ctx.settings)
    docs = service.documents(ctx.session, scopes)
    chunks = sum(d.chunk_count for d in docs)
    lines = [
        f"*Knowledge base — {where_label(project, scopes)}*",
        f"{len(docs)} document{'s' if len(docs) != 1 else ''}, {chunks} passages.",
    ]
    if kb.dense_available:
        lines.append("Search: hybrid (meaning + keywords).")
    else:
        lines.append(
            f"Search: keywords only — meaning-based search is off because "
            f"{escape(kb.dense_unavailable_reason or 'no embedding model is loaded')}."
        )
    indexed = {scope: kb.stats(scope) for scope in scopes}
    stored = {s: sum(d.chunk_count for d in docs if d.scope == s) for s in scopes}
    stale = [s for s in scopes if any(n != stored[s] for n in indexed[s].values())]
    if stale:
        lines.append(
            "The search index is out of step with the stored documents: run `livepmo kb rebuild`."
        )
    if docs:
        newest = max(docs, key=lambda d: d.updated_at)
        lines.append(f"Last change: *{escape(newest.title)}* on {newest.updated_at:%-d %b %Y}.")
    else:
        lines.append(ADD_HINT)
    return Reply(text="\n".join(lines))


def find_document(ctx: Context, scopes: list[str], ref: str) -> KbDocument:
    ref = ref.strip().lstrip("#")
    if not ref:
        raise UserError("Which document? `kb remove #ID` (IDs are in `kb list`).")
    docs = service.documents(ctx.session, scopes)
    if ref.isdigit():
        matches = [d for d in docs if d.id == int(ref)]
    else:
        low = ref.lower()
        matches = [d for d in docs if d.title.lower() == low or d.source.lower().endswith(low)]
        matches = matches or [d for d in docs if low in d.title.lower()]
    if not matches:
        raise UserError(f"No document matches `{escape(ref)}`; `kb list` shows them with IDs.")
    if len(matches) > 1:
        ids = ", ".join(f"`#{d.id}` {escape(d.title)}" for d in matches[:5])
        raise UserError(f"Several documents match `{escape(ref)}`: {ids}. Use the ID.")
    return matches[0]


def remove(ctx: Context, key: str | None, ref: str) -> Reply:
    project, scopes = search_scopes(ctx, key)
    document = find_document(ctx, scopes, ref)
    if document.project_id is not None:
        ctx.require_pm(ctx.session.get(Project, document.project_id))  # type: ignore[arg-type]
    elif not ctx.person.is_admin:
        raise UserError("Only a workspace admin can remove org-wide documents.")
    service.remove_document(ctx.session, retriever(ctx.settings), document)
    projects.audit(
        ctx.session, actor=ctx.user, action="kb.remove", project=project, target=document.title
    )
    return Reply(
        text=f"Removed *{escape(document.title)}* and its {document.chunk_count} passages."
    )


def add_shared_files(ctx: Context) -> Reply:
    """Files shared in a project channel (downloaded by the transport into `ctx.files`)."""
    if not ctx.files:
        return Reply(text=f"Nothing to add. {ADD_HINT}", ephemeral=True)
    project = ctx.project_for()
    kb = retriever(ctx.settings)
    lines = []
    for item in ctx.files:
        if item.get("error"):
            lines.append(f":warning: {escape(item['error'])}")
            continue
        if "content" not in item:  # a file attached to a DM: not downloaded
            name = escape(str(item.get("name") or "That file"))
            lines.append(f"{name}: share it in the project's channel and I'll add it.")
            continue
        source = service.Source(
            source=f"slack:{item['id']}",
            name=item["name"],
            data=item["content"],
            modified_at=datetime.fromtimestamp(item.get("timestamp") or 0, UTC),
            link=item.get("permalink"),
            title=item["title"] if item.get("title") not in (None, "", item["name"]) else None,
        )
        outcome = service.add_document(ctx.session, kb, project, source, actor=ctx.user)
        lines.append(outcome_line(outcome))
    lines.append(f"_In the `{project.key}` knowledge base: mention me with a question._")
    return Reply(text="\n".join(lines))


@ask_skill.command
def ask(ctx: Context, text: str) -> Reply:
    """Answer from the documents of the scopes this message searches."""
    named = PROJECT_FLAG.search(text)
    project, scopes = search_scopes(ctx, named.group(1) if named else None)
    question = answers.check_question(PROJECT_FLAG.sub(" ", text))
    where = where_label(project, scopes)
    if not service.document_count(ctx.session, scopes):
        return Reply(
            text=f"There are no documents in {where} yet, so I can't answer from them. "
            f"{ADD_HINT} (`help` shows what else I can do.)"
        )
    result = answers.answer(
        ctx.session,
        ctx.settings,
        question,
        scopes=scopes,
        project=project,
        user=ctx.user,
        channel=ctx.channel,
        thread_ts=ctx.thread_ts or ctx.message_ts,
    )
    return answer_reply(result, where)


@skill.command
def handle(ctx: Context, args: str) -> Reply:
    """`kb [status]`, `kb list`, `kb remove #ID`, `kb add` (files); anything else is a question."""
    first, _, rest = args.strip().partition(" ")
    sub = first.lower()
    if sub not in SUBCOMMANDS:
        return ask(ctx, args)
    positional, flags = parse_flags(rest, single=("project",))
    key = flags.get("project")
    if sub in ("", "status"):
        return kb_status(ctx, key)  # type: ignore[arg-type]
    if sub in ("list", "ls", "documents"):
        project, scopes = search_scopes(ctx, key)  # type: ignore[arg-type]
        return Reply(
            text=documents_text(
                service.documents(ctx.session, scopes), where_label(project, scopes)
            )
        )
    if sub in ("remove", "delete", "rm"):
        return remove(ctx, key, " ".join(positional))  # type: ignore[arg-type]
    if sub == "add":
        return add_shared_files(ctx)
    return Reply(text=f"{skill.details}\n{ask_skill.details}")


def vote(ctx: Context, action: Action, value: int) -> Reply:
    answer = ctx.session.get(KbAnswer, int(action.value)) if action.value.isdigit() else None
    if answer is None:
        return Reply(text="That answer is no longer on record.", ephemeral=True)
    existing = ctx.session.exec(
        select(KbFeedback).where(KbFeedback.answer_id == answer.id, KbFeedback.user_id == ctx.user)
    ).first()
    feedback = existing or KbFeedback(answer_id=answer.id, user_id=ctx.user, vote=value)
    feedback.vote = value
    ctx.session.add(feedback)
    if value > 0:
        return Reply(text="Thanks! Glad it helped.", ephemeral=True)
    return Reply(
        text="Thanks, noted. If a document should answer this, share it in the project channel "
        "and I'll add it.",
        ephemeral=True,
    )


@skill.action(HELPFUL)
def helpful(ctx: Context, action: Action) -> Reply:
    return vote(ctx, action, 1)


@skill.action(UNHELPFUL)
def unhelpful(ctx: Context, action: Action) -> Reply:
    return vote(ctx, action, -1)
