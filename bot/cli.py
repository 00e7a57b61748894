"""The `livepmo` command line."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from bot.core.text import unformat
from bot.runtime import fail, fetch_model_if_wanted, pause_gc, resume_gc, setup_logging, start

SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "ingest": (
        "skills.kb.cli",
        "ingest",
        "Add or update documents; unchanged files are skipped, deleted ones removed.",
    ),
    "ask": (
        "skills.kb.cli",
        "ask",
        "Answer a question from the documents, as the bot would in Slack.",
    ),
    "schedule": (
        "bot.schedule_cli",
        "schedule_app",
        "What the bot will post, and running what is due.",
    ),
    "raid": ("skills.raid.cli", "raid_app", "The RAID log as spreadsheets: export and import."),
    "checkin": ("skills.status.cli", "checkin_app", "A project's daily check-in settings."),
    "status": ("skills.status.cli", "status_app", "Status updates from check-ins: export."),
    "kb": ("skills.kb.cli", "kb_app", "The knowledge base: list, remove, status, rebuild."),
    "milestone": ("skills.milestones.cli", "milestone_app", "Milestones: import a plan."),
    "cost": ("skills.cost.cli", "cost_app", "Project cost: import monthly figures."),
}
"""Commands defined by skills: name -> (module, attribute: a Typer app or a function, help)."""


def skill_command(name: str) -> TyperCommand | TyperGroup:
    """The skill's command `name` (a group or one command), importing its module."""
    module, attribute, _ = SUBCOMMANDS[name]
    found = getattr(importlib.import_module(module), attribute)
    holder = typer.Typer()
    if isinstance(found, typer.Typer):
        holder.add_typer(found, name=name)
    else:
        holder.command(name)(found)
    return typer.main.get_group(holder).commands[name]  # type: ignore[return-value]


class SkillStandIn(TyperCommand):
    """A skill's command as help lists it, until its module is imported."""


class LivePmoGroup(TyperGroup):
    """The `livepmo` group. A skill's commands are imported only when named (each skill's
    imports cost start-up time): until then, `SUBCOMMANDS` stand in for them in help."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name, (_, _, summary) in SUBCOMMANDS.items():
            self.add_command(SkillStandIn(name, help=summary))

    def resolve_command(
        self, ctx: typer.Context, args: list[str]
    ) -> tuple[str | None, TyperCommand | TyperGroup | None, list[str]]:
        if args and isinstance(self.commands.get(args[0]), SkillStandIn):
            self.add_command(skill_command(args[0]), args[0])
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=LivePmoGroup,
    help="Live PMO: a Slack bot that does the repetitive work of a PMO.",
    no_args_is_help=True,
    add_completion=False,
)
project_app = typer.Typer(help="Manage projects.", no_args_is_help=True)
app.add_typer(project_app, name="project")
model_app = typer.Typer(help="The local embedding model (all-MiniLM-L6-v2).", no_args_is_help=True)
app.add_typer(model_app, name="model")


SLACK_HELP = (
    "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or "
    "SLACK_SIGNING_SECRET (HTTP mode, --http) — see README 'Slack setup' — or try `livepmo demo`."
)


@app.callback()
def main_options(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    setup_logging(verbose)


@app.command()
def run(
    http: Annotated[
        bool, typer.Option("--http", help="Serve HTTP instead of Socket Mode.")
    ] = False,
    port: Annotated[int, typer.Option(help="HTTP port.")] = 3000,
    host: Annotated[str, typer.Option(help="HTTP bind address.")] = "0.0.0.0",
    workers: Annotated[
        int,
        typer.Option(
            min=0, help="HTTP: processes doing the work after each ack (0: the serving one)."
        ),
    ] = 2,
) -> None:
    """Run the bot (Socket Mode when SLACK_APP_TOKEN is set, or HTTP with --http)."""
    settings = start()
    if not settings.slack_bot_token:
        fail(SLACK_HELP)
    settings = fetch_model_if_wanted(settings)
    from bot.slack.app import serve_http, serve_socket_mode

    try:
        if http:
            if not settings.slack_signing_secret:
                fail("SLACK_SIGNING_SECRET is required for HTTP mode (Basic Information page).")
            serve_http(settings, host=host, port=port, workers=workers)
        elif settings.slack_app_token:
            serve_socket_mode(settings)
        else:
            fail(SLACK_HELP)
    except Exception as exc:  # noqa: BLE001 - start-up errors become one line
        kind = getattr(exc, "kind", type(exc).__name__)  # a worker process's error: its kind
        if kind in ("SlackApiError", "BoltError", "URLError", "ConnectionError"):
            fail(f"Could not connect to Slack at {settings.slack_api_url}: {exc}")
        raise


@app.command()
def chat(
    user: Annotated[str, typer.Option(help="Slack user id to speak as.")] = "UCONSOLE",
    channel: Annotated[str | None, typer.Option(help="Channel id (omit for a DM).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines in and out.")] = False,
) -> None:
    """Talk to the bot in the terminal, through the same router and skills as Slack."""
    from bot.console.chat import ConsoleSession
    from bot.console.render import render_reply, reply_json
    from bot.console.runner import console_dispatcher

    settings = start(keep_gc_paused=True)
    session = ConsoleSession(console_dispatcher(settings), user=user, channel=channel)
    interactive = sys.stdin.isatty() and not as_json
    if interactive:
        print("Live PMO console. Type `help`, or Ctrl-D to leave.")
    while True:
        if interactive:
            try:
                line = input("you> ")
            except EOFError:
                break
        else:
            line = sys.stdin.readline()
            if not line:
                break
        line = line.rstrip("\n")
        if not line.strip():
            continue
        text, who, where = line, None, None
        if as_json and line.lstrip().startswith("{"):
            try:
                data = json.loads(line)
                text, who, where = str(data.get("text", "")), data.get("user"), data.get("channel")
            except (ValueError, AttributeError):
                print(json.dumps({"text": "That line is not valid JSON.", "blocks": []}))
                continue
        for reply in session.send(text, user=who, channel=where):
            if as_json:
                print(json.dumps(reply_json(reply)), flush=True)
            else:
                print(("pmo> " if interactive else "") + render_reply(reply), flush=True)
        resume_gc()  # after the first message: every skill it needed is loaded


@app.command()
def demo() -> None:
    """A scripted conversation showing every skill, with no Slack, tokens or network."""
    from bot.console.demo import run_demo

    run_demo()


@app.command()
def hub(
    user: Annotated[str, typer.Option("--user", help="Slack user id whose Home to show.")],
    as_json: Annotated[bool, typer.Option("--json", help="The Block Kit view as JSON.")] = False,
) -> None:
    """Print a person's App Home (the Hub), the very view Slack would show them."""
    from bot.console.render import render_reply
    from bot.console.runner import console_dispatcher

    settings = start()
    replies = console_dispatcher(settings).invoke("hub.home", {}, user=user.strip())
    home = next((r for r in replies if r.home is not None), None)
    if home is None:
        fail(unformat(replies[0].text if replies else "No Home to show."))
    if as_json:
        print(json.dumps({"user": user.strip(), "text": home.text, "view": home.home}))
    else:
        print(render_reply(home))


@app.command()
def usage(
    days: Annotated[int, typer.Option(min=1, help="How many days back to count.")] = 30,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON row per skill and person.")
    ] = False,
) -> None:
    """How much the language model was used: calls, tokens, failures, latency."""
    from dataclasses import asdict

    from bot.core import clock
    from bot.core.db import session_scope
    from bot.llm.usage import usage_report
    from skills.admin import usage_text

    settings = start()
    with session_scope(settings.database_url) as session:
        rows = usage_report(session, now=clock.now(), days=days)
    if as_json:
        for row in rows:
            print(json.dumps(asdict(row)))
    else:
        print(unformat(usage_text(rows, days)))


@project_app.command("create")
def project_create(
    key: str,
    name: Annotated[str, typer.Option(help="Project name.")],
    channel: Annotated[list[str], typer.Option(help="Slack channel id (repeatable).")],
    timezone: Annotated[str | None, typer.Option(help="IANA timezone.")] = None,
    pm: Annotated[list[str] | None, typer.Option(help="PM user id (repeatable).")] = None,
    member: Annotated[list[str] | None, typer.Option(help="Member user id (repeatable).")] = None,
) -> None:
    """Create a project linked to Slack channels."""
    from bot.core.db import session_scope
    from bot.core.messages import UserError
    from bot.core.projects import create_project

    settings = start()
    try:
        with session_scope(settings.database_url) as session:
            project = create_project(
                session,
                key=key,
                name=name,
                actor="cli",
                timezone=timezone or settings.livepmo_timezone,
                channels=channel,
                pms=pm or [],
                members=member or [],
            )
            print(f"Created project {project.key} ({project.name}), channels: {', '.join(channel)}")
    except UserError as exc:
        fail(unformat(exc))


@model_app.command("fetch")
def model_fetch(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Where to put it (default: all-MiniLM-L6-v2/onnx under LIVEPMO_MODEL_CACHE_DIR, "
            "else ~/.cache/livepmo/models).",
        ),
    ] = None,
) -> None:
    """Download all-MiniLM-L6-v2 (ONNX) once, so answers match on meaning, not only words."""
    from knowledge.model_fetch import ModelFetchError, default_model_dir, fetch_model

    settings = start(migrate_db=False)
    try:
        fetched = fetch_model(folder or default_model_dir(settings.livepmo_model_cache_dir))
    except ModelFetchError as exc:
        fail(str(exc), code=1)
    where = fetched.folder.resolve()
    if fetched.downloaded:
        print(f"Fetched the model into {where}.")
    else:
        print(f"The model is already in {where}; nothing to do.")
    print(f"Set LIVEPMO_EMBEDDING_MODEL_DIR={where}")


def main() -> None:
    pause_gc()  # until the command has started (`bot.runtime.start`)
    app()


if __name__ == "__main__":
    main()
