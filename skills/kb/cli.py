"""`livepmo ingest`, `livepmo ask` and `livepmo kb list|remove|status|rebuild`.

Registered by `bot/cli.py`. The operator acts as `cli`, a workspace admin. `ask` runs
the question through the dispatcher, exactly as a Slack message is run.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.core.messages import Message, Reply
from bot.core.settings import Settings
from bot.core.text import unformat
from bot.runtime import fail, resume_gc, start

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.core.models import Project

kb_app = typer.Typer(
    help="The knowledge base: list, remove, status, rebuild.", no_args_is_help=True
)

ACTOR = "cli"
ProjectOption = Annotated[str | None, typer.Option("--project", help="Project key, e.g. apollo.")]
OrgOption = Annotated[bool, typer.Option("--org", help="The org-wide documents instead.")]


def _target(session: Session, project: str | None, org: bool) -> Project | None:
    """The project named (or None for org-wide); exactly one of the two is required."""
    from bot.core.projects import require_project

    if bool(project) == org:
        fail("Name a project with --project KEY, or use --org for the org-wide documents.")
    return require_project(session, project) if project else None


def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files and folders (.md .txt .pdf .docx .html).")
    ],
    project: ProjectOption = None,
    org: OrgOption = False,
) -> None:
    """Add or update documents; unchanged files are skipped, deleted ones removed."""
    from bot.core.db import session_scope
    from bot.core.messages import UserError
    from skills.kb.service import (
        ADDED,
        FAILED,
        REMOVED,
        UNCHANGED,
        UPDATED,
        expand_paths,
        ingest_paths,
    )
    from skills.kb.views import outcome_line

    settings = start()
    try:
        with session_scope(settings.database_url) as session:
            target = _target(session, project, org)
    except UserError as exc:
        fail(unformat(exc))
    files = expand_paths(paths).files
    if not files:
        print("No .md, .txt, .rst, .pdf, .docx or .html files found there.", file=sys.stderr)
    with typer.progressbar(length=len(files), label="Indexing", file=sys.stderr) as bar:
        outcomes = ingest_paths(
            settings, target, paths, actor=ACTOR, progress=lambda _: bar.update(1)
        )
    counts = {status: 0 for status in (ADDED, UPDATED, UNCHANGED, REMOVED, FAILED)}
    for outcome in outcomes:
        counts[outcome.status] += 1
        if outcome.status != UNCHANGED:
            print(unformat(outcome_line(outcome)))
    print(", ".join(f"{n} {status}" for status, n in counts.items()) + ".")
    if counts[FAILED]:
        raise typer.Exit(1)


def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    project: ProjectOption = None,
    org: OrgOption = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="answer, found, sources as JSON.")
    ] = False,
) -> None:
    """Answer a question from the documents, as the bot would in Slack."""
    settings = start(keep_gc_paused=True)  # until the answer: it loads the search index
    if project and org:
        fail("Use --project KEY or --org, not both.")
    result = ask_as_operator(settings, question, project=project)
    resume_gc()
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(result["answer"])


def operator_replies(settings: Settings, command: str, project: str | None) -> list[Reply]:
    """Run an `ask …` or `kb …` chat command as the `cli` admin through the dispatcher, as
    Slack would (with only the skills it needs: the others would cost start-up time)."""
    from bot.console.runner import console_dispatcher
    from bot.core.people import Person, StaticPeople

    operator = Person(ACTOR, "CLI", "UTC", is_admin=True)
    people = StaticPeople("UTC", {ACTOR: operator})
    dispatcher = console_dispatcher(settings, people, skills=("ask", "kb", "help"))
    text = command + (f" --project {project}" if project else "")
    return dispatcher.handle_message(Message(text=text, user=ACTOR, via="console"))


def ask_as_operator(settings: Settings, question: str, *, project: str | None) -> dict[str, Any]:
    """The answer as `ask --json` prints it; without a project, the org-wide documents."""
    from bot.core.db import session_scope
    from skills.kb.models import KbAnswer, KbDocument
    from skills.kb.views import HELPFUL

    replies = operator_replies(settings, f"ask {question}", project)
    result: dict[str, Any] = {
        "question": question,
        "answer": "\n\n".join(unformat(r.text) for r in replies),
        "found": False,
        "sources": [],
    }
    answer_ids = [  # the feedback buttons carry the saved answer's id
        int(element["value"])
        for reply in replies
        for block in reply.blocks or []
        for element in block.get("elements", [])
        if element.get("action_id") == HELPFUL
    ]
    if not answer_ids:
        return result
    with session_scope(settings.database_url) as session:
        record = session.get(KbAnswer, answer_ids[0])
        result["found"] = bool(record and record.found)
        for source in record.sources if record else []:
            document = session.get(KbDocument, source["document_id"])
            result["sources"].append(
                {
                    "path": (document.link or document.source) if document else None,
                    "title": source["title"],
                    "heading": source["heading"],
                    "score": source["score"],
                    "cited": source.get("cited", True),
                }
            )
    return result


@kb_app.command("list")
def list_command(project: ProjectOption = None, org: OrgOption = False) -> None:
    """Print the documents of a project (or the org-wide ones)."""
    from bot.core.db import session_scope
    from skills.kb import service
    from skills.kb.views import location

    settings = start()
    with session_scope(settings.database_url) as session:
        target = _target(session, project, org)
        docs = service.documents(session, [service.scope_of(target)])
        for d in docs:
            print(
                f"#{d.id}\t{d.title}\t{d.file_type}\t{d.chunk_count} passages\t"
                f"{d.modified_at:%Y-%m-%d}\t{location(d)}"
            )
        print(f"{len(docs)} document{'s' if len(docs) != 1 else ''}.")


@kb_app.command("remove")
def remove_command(
    document: Annotated[str, typer.Argument(help="#ID, title or file name.")],
    project: ProjectOption = None,
    org: OrgOption = False,
) -> None:
    """Remove a document from the database and both indexes."""
    result = run_as_operator(f"kb remove {document}", project, org)
    print(result)


@kb_app.command("status")
def status_command(project: ProjectOption = None, org: OrgOption = False) -> None:
    """Documents, passages and search mode (and why meaning-based search is off)."""
    print(run_as_operator("kb status", project, org))


@kb_app.command("rebuild")
def rebuild_command(
    project: ProjectOption = None,
    org: OrgOption = False,
) -> None:
    """Rebuild Chroma and the lexical index from the database (all scopes by default)."""
    from bot.core.db import session_scope
    from skills.kb import service

    settings = start()
    scopes = None
    if project or org:
        with session_scope(settings.database_url) as session:
            scopes = [service.scope_of(_target(session, project, org))]
    counts = service.rebuild(settings, scopes)
    for scope, count in counts.items():
        print(f"{scope}: {count} passages indexed.")
    print(f"Rebuilt {len(counts)} index{'es' if len(counts) != 1 else ''}.")


def run_as_operator(command: str, project: str | None, org: bool) -> str:
    """A `kb …` chat command's reply as plain text (org-wide unless a project is named)."""
    settings = start()
    if project and org:
        fail("Use --project KEY or --org, not both.")
    return "\n".join(unformat(r.text) for r in operator_replies(settings, command, project))
