"""The `kb` skill: questions answered from the project's documents, and the document list.

Questions reach it by name (`ask …`, `kb …`), by the intent model, or as a follow-up in a
thread where it answered (`follows_an_answer`).

The answering stack (`answers`, `service`, `index`: numpy, bm25s, Chroma) is imported by the
operations that use it, so a message for another skill (`risk: …`) loads none of it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.core import access, projects
from bot.core.context import Context
from bot.core.messages import Message, Reply, UserError
from bot.core.models import Project
from bot.core.operations import Access, Args, ProjectArgs, Scope, positional, rest
from bot.core.skills import Skill
from bot.core.text import escape
from bot.interpret import slots
from knowledge.records import ORG_SCOPE
from skills.kb.models import KbAnswer, KbDocument, KbFeedback
from skills.kb.views import (
    ADD_HINT,
    HELPFUL,
    UNHELPFUL,
    answer_reply,
    documents_text,
    draft_text,
    outcome_line,
)

skill = Skill(
    "kb",
    "The project's documents: what is indexed, how search runs, removing one.",
    aliases=("knowledge",),
    details=(
        "Files (.md, .txt, .pdf, .docx, .html) shared in a project channel are added "
        "automatically; `livepmo ingest PATH --project KEY` adds folders. `kb list`, "
        "`kb remove #ID` (PMs), `kb status`; add `--project KEY` to pick a project."
    ),
    priority=71,
    text_operation="kb.ask",
    bare_operation="kb.status",
)

ask_skill = Skill(
    "ask",
    "Answer questions from the project's documents, with sources.",
    aliases=("question",),
    details=(
        "Ask in a sentence, or just mention me with a question. I answer in the thread from "
        "the documents of the channel's project and the org-wide ones (in a DM, from all your "
        "projects), quoting the passages with numbered sources. If the documents don't say, I "
        "tell you and list the closest ones. A follow-up in the same thread keeps the context. "
        "`--project KEY` picks a project."
    ),
    priority=70,
    text_operation="kb.ask",
)

ABOUT_THE_BOT = re.compile(
    r"\b(?:what\s+can\s+you\s+do|help|commands?|how\s+(?:do|can)\s+i\s+(?:use|log|add|create|"
    r"set\s+up|give|report|export|link|update|close))\b",
    re.I,
)
PROJECT_FLAG = re.compile(r"(?:^|\s)--project[= ](\S+)")


def follows_an_answer(text: str, message: Message, session: Session) -> bool:
    """A message in a thread where I answered a question is a follow-up to it."""
    from skills.kb import answers

    thread = message.thread_ts
    return bool(
        thread
        and thread != message.ts
        and not ABOUT_THE_BOT.search(text)
        and answers.previous_answer(session, message.channel, thread) is not None
    )


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
    from skills.kb import service

    if key or ctx.project:
        project = ctx.project_for(key)
        return project, [service.scope_of(project), ORG_SCOPE]
    if ctx.is_dm:
        mine = access.visible_projects(ctx.session, ctx.user, ctx.team, admin=False)
        return None, [*(service.scope_of(p) for p in mine), ORG_SCOPE]
    return None, [ORG_SCOPE]


def kb_scope(ctx: Context, args: ProjectArgs) -> Scope:
    """The named project or this channel's; none in a DM or another channel (the operation
    then searches only the projects the rule lets the user read, and the org-wide ones)."""
    if args.project or ctx.project:
        return Scope(project=ctx.project_for(args.project))
    return Scope()


@skill.operation(
    "kb.status",
    summary="How many documents are indexed and how search runs.",
    access=Access.VIEWER,
    scope=kb_scope,
    examples=["kb status"],
)
def kb_status(ctx: Context, args: ProjectArgs) -> Reply:
    from skills.kb import service
    from skills.kb.index import retriever

    project, scopes = search_scopes(ctx, args.project)
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
    from skills.kb import service

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


class DocumentArgs(ProjectArgs):
    document: str = rest(description="The document: #ID from `kb list`, or its title")


@skill.operation(
    "kb.remove",
    summary="Remove a document and its passages (PMs; admins for org-wide ones).",
    access=Access.PM,
    scope=kb_scope,
    writes=True,
    aliases={"kb delete": {}, "kb rm": {}},
    examples=["kb remove #12"],
)
def remove(ctx: Context, args: DocumentArgs) -> Reply:
    from skills.kb import service
    from skills.kb.index import retriever

    project, scopes = search_scopes(ctx, args.project)
    document = find_document(ctx, scopes, args.document)
    if document.project_id is None:
        ctx.authorize(Scope(label=document.title))  # org-wide: the rule says admins only
    service.remove_document(ctx.session, retriever(ctx.settings), document)
    projects.audit(
        ctx.session, actor=ctx.user, action="kb.remove", project=project, target=document.title
    )
    return Reply(
        text=f"Removed *{escape(document.title)}* and its {document.chunk_count} passages."
    )


@skill.operation(
    "kb.add",
    summary="Add the files shared with this message to the project's documents.",
    access=Access.MEMBER,
    writes=True,
    examples=["kb add"],
)
def add_shared_files(ctx: Context, args: ProjectArgs) -> Reply:
    """Files shared in a project channel (downloaded by the transport into `ctx.files`)."""
    from skills.kb import service
    from skills.kb.index import retriever

    if not ctx.files:
        return Reply(text=f"Nothing to add. {ADD_HINT}", ephemeral=True)
    project = ctx.project_for(args.project)
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


class AskArgs(ProjectArgs):
    question: str = rest(description="The question, in your own words")


def read_question(ctx: Context, text: str) -> AskArgs:
    """The question, and the project whose documents it asks about: `--project KEY`, or the
    one project its words name ("in the apollo docs, …")."""
    named = PROJECT_FLAG.search(text)
    project = named.group(1) if named else slots.project_meant(ctx, text)
    return AskArgs(project=project, question=PROJECT_FLAG.sub(" ", text).strip())


@ask_skill.operation(
    "kb.ask",
    summary="Answer a question from the documents, quoting them with numbered sources.",
    access=Access.VIEWER,
    scope=kb_scope,
    command="ask",
    text=read_question,
    label="Search the documents",
    examples=["ask who approves a change request?", "ask when is code freeze?"],
)
def ask(ctx: Context, args: AskArgs) -> Reply:
    """Answer from the documents of the scopes this message searches."""
    from skills.kb import answers, service

    project, scopes = search_scopes(ctx, args.project)
    question = answers.check_question(args.question)
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
        on_draft=(lambda written: ctx.draft(draft_text(written))) if ctx.draft else None,
    )
    return answer_reply(result, where)


@skill.operation(
    "kb.list",
    summary="The documents the project's questions are answered from.",
    access=Access.VIEWER,
    scope=kb_scope,
    aliases={"kb ls": {}, "kb documents": {}},
    examples=["kb list"],
)
def list_documents(ctx: Context, args: ProjectArgs) -> Reply:
    from skills.kb import service

    project, scopes = search_scopes(ctx, args.project)
    documents = service.documents(ctx.session, scopes)
    return Reply(text=documents_text(documents, where_label(project, scopes)))


class VoteArgs(Args):
    answer: int = positional(description="The answer's number")
    vote: int = positional(default=1, description="1 helpful, -1 not")


def answer_scope(ctx: Context, args: VoteArgs) -> Scope:
    answer = ctx.session.get(KbAnswer, args.answer)
    if answer is None:
        raise UserError("That answer is no longer on record.")
    project = ctx.session.get(Project, answer.project_id) if answer.project_id else None
    return Scope(project=project, target=answer)


@skill.operation(
    "kb.feedback",
    summary="Say whether an answer helped (👍/👎).",
    access=Access.VIEWER,
    scope=answer_scope,
    writes=True,
    buttons={
        HELPFUL: lambda value: {"answer": value, "vote": 1},
        UNHELPFUL: lambda value: {"answer": value, "vote": -1},
    },
    hidden=True,
)
def vote(ctx: Context, args: VoteArgs) -> Reply:
    answer: KbAnswer = ctx.scope.target  # type: ignore[union-attr]
    value = 1 if args.vote > 0 else -1
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
