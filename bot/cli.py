"""The `livepmo` command line."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from bot.core.text import unformat
from bot.runtime import fail, setup_logging, start

app = typer.Typer(
    help="Live PMO: a Slack bot that does the repetitive work of a PMO.",
    no_args_is_help=True,
    add_completion=False,
)
project_app = typer.Typer(help="Manage projects.", no_args_is_help=True)
app.add_typer(project_app, name="project")


def _register_subcommands() -> None:
    from bot.schedule_cli import schedule_app
    from skills.cost.cli import cost_app
    from skills.kb.cli import ask, ingest, kb_app
    from skills.milestones.cli import milestone_app
    from skills.raid.cli import raid_app
    from skills.status.cli import checkin_app, status_app

    app.add_typer(schedule_app, name="schedule")
    app.add_typer(raid_app, name="raid")
    app.add_typer(checkin_app, name="checkin")
    app.add_typer(status_app, name="status")
    app.add_typer(kb_app, name="kb")
    app.add_typer(milestone_app, name="milestone")
    app.add_typer(cost_app, name="cost")
    app.command()(ingest)
    app.command()(ask)


_register_subcommands()

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
) -> None:
    """Run the bot (Socket Mode when SLACK_APP_TOKEN is set, or HTTP with --http)."""
    settings = start()
    if not settings.slack_bot_token:
        fail(SLACK_HELP)
    from bot.slack.app import serve_http, serve_socket_mode

    try:
        if http:
            if not settings.slack_signing_secret:
                fail("SLACK_SIGNING_SECRET is required for HTTP mode (Basic Information page).")
            serve_http(settings, host=host, port=port)
        elif settings.slack_app_token:
            serve_socket_mode(settings)
        else:
            fail(SLACK_HELP)
    except Exception as exc:  # noqa: BLE001 - start-up errors become one line
        if type(exc).__name__ in ("SlackApiError", "BoltError", "URLError", "ConnectionError"):
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

    settings = start()
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
