"""The `livepmo` command as a newcomer runs it: piped chat, JSON mode, start-up errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def livepmo(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LIVEPMO_NOW"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
    )


def test_piped_chat_answers_every_line(database_url) -> None:
    lines = (
        "/pmo project create apollo Apollo launch --member <@U0BOB>\nhelp project\n/pmo project\n"
    )
    result = livepmo(
        "chat",
        "--channel",
        "C0APOLLO",
        "--user",
        "U0ALICE",
        stdin=lines,
        env={"DATABASE_URL": database_url},
    )
    assert result.returncode == 0, result.stderr
    assert "Created project `apollo`" in result.stdout
    assert "project members add PEOPLE" in result.stdout
    assert "Members: @U0BOB" in result.stdout


def test_json_chat_takes_objects_and_prints_objects(database_url) -> None:
    lines = (
        "\n".join(
            [
                json.dumps(
                    {
                        "text": "/pmo project create apollo Apollo",
                        "user": "U0ALICE",
                        "channel": "C0APOLLO",
                    }
                ),
                json.dumps({"text": "project", "user": "U0ALICE", "channel": "C0APOLLO"}),
                "not json but plain text",
            ]
        )
        + "\n"
    )
    result = livepmo("chat", "--json", stdin=lines, env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 3
    assert all({"text", "blocks"} <= set(r) for r in replies)
    assert "*Apollo* (`apollo`)" in replies[1]["text"]


def test_run_without_slack_says_how_to_set_it_up(tmp_path) -> None:
    result = livepmo("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "SLACK_BOT_TOKEN" in result.stderr and "livepmo demo" in result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://root@127.0.0.1/livepmo"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/x"}, "DATABASE_URL"),
        ({"LIVEPMO_TIMEZONE": "Nowhere/Land"}, "LIVEPMO_TIMEZONE"),
    ],
)
def test_bad_settings_fail_with_one_line(env, named, tmp_path) -> None:
    result = livepmo("chat", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", **env})
    assert result.returncode == 2
    assert result.stderr.startswith(named) and "Traceback" not in result.stderr


def test_project_create_command(database_url) -> None:
    env = {"DATABASE_URL": database_url}
    ok = livepmo(
        "project",
        "create",
        "apollo",
        "--name",
        "Apollo",
        "--channel",
        "C0APOLLO",
        "--pm",
        "U0ALICE",
        "--member",
        "U0BOB",
        "--timezone",
        "Asia/Tokyo",
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    again = livepmo(
        "project", "create", "apollo", "--name", "Apollo", "--channel", "C0OTHER", env=env
    )
    assert again.returncode == 2 and "already exists" in again.stderr


def test_demo_runs_offline_without_tokens(tmp_path) -> None:
    result = livepmo("demo", cwd=tmp_path, env={"LIVEPMO_EMBEDDING_MODEL_DIR": ""})
    assert result.returncode == 0, result.stderr
    assert "Created project `apollo`" in result.stdout
    assert "Only a PM of `apollo`" in result.stdout
    home = result.stdout[result.stdout.index("[App Home]") :]  # the PM's Home, with a slip
    assert "== Portfolio (1 project, worst first) ==" in home
    assert "Fri 15 Jan 2027 → Fri 29 Jan 2027 (+14 days)" in home
    portfolio = home[home.index("== Portfolio") :]
    assert "Next milestone: *APOLLO-M1* Beta launch 29 Jan (+14 days)" in portfolio
    assert "Budget: 21% of €1.20M spent to Oct 2026 · forecast 104% at €125k a month" in portfolio
    assert "Traceback" not in result.stdout + result.stderr


def test_piped_raid_message_then_json_export_shows_every_field(database_url) -> None:
    env = {"DATABASE_URL": database_url, "LIVEPMO_NOW": "2026-11-23T09:00:00+00:00"}
    lines = (
        "/pmo project create apollo Apollo --timezone Europe/London\n"
        "@pmo log a risk: vendor may slip the go-live, owner <@U0BOB>, review Friday, "
        "likelihood high impact medium\n"
    )
    chat = livepmo("chat", "--channel", "C0APOLLO", "--user", "U0ALICE", stdin=lines, env=env)
    assert chat.returncode == 0 and "APOLLO-R1" in chat.stdout, chat.stderr
    export = livepmo("raid", "export", "--project", "apollo", "--format", "json", env=env)
    assert export.returncode == 0, export.stderr
    [item] = json.loads(export.stdout[export.stdout.index("[") :])
    assert {
        k: item[k]
        for k in (
            "key",
            "type",
            "owner",
            "date",
            "probability",
            "impact",
            "score",
            "severity",
            "status",
            "raised_by",
        )
    } == {
        "key": "APOLLO-R1",
        "type": "risk",
        "owner": "U0BOB",
        "date": "2026-11-27",
        "probability": 4,
        "impact": 3,
        "score": 12,
        "severity": "high",
        "status": "open",
        "raised_by": "U0ALICE",
    }
    assert {
        "title",
        "description",
        "strategy",
        "mitigation",
        "source",
        "links",
        "raised_at",
        "updated_at",
        "deleted",
    } <= set(item)


SEARCH_STACK = ("numpy", "bm25s", "onnxruntime", "chromadb")
HEAVY = ("openpyxl", "onnxruntime", "chromadb", "numpy", "openai", "sqlalchemy", "skills")


def test_help_imports_no_skill_and_no_heavy_library() -> None:
    probe = (
        "import sys\nfrom bot.cli import main\nsys.argv = ['livepmo', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], text=True, capture_output=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "ask" in result.stdout and "milestone" in result.stdout  # skills' commands listed
    assert "LOADED []" in result.stdout


def test_a_labelled_raid_message_loads_no_search_or_model_library(sqlite_only_url, tmp_path):
    env = {"DATABASE_URL": sqlite_only_url, "CHROMA_PATH": str(tmp_path / "chroma")}
    create = ["project", "create", "apollo", "--name", "Apollo", "--channel", "C0APOLLO"]
    created = livepmo(*create, "--pm", "U0ALICE", env=env)
    assert created.returncode == 0, created.stderr
    probe = (
        "import sys\nfrom bot.cli import main\n"
        "sys.argv = ['livepmo', 'chat', '--channel', 'C0APOLLO', '--user', 'U0ALICE']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in {SEARCH_STACK!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input="risk: the vendor may deliver the data feed late, owner <@U0BOB>\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "APOLLO-R1" in result.stdout
    assert "LOADED []" in result.stdout


def test_skill_command_help_matches_its_listing() -> None:
    from typer.testing import CliRunner

    from bot.cli import SUBCOMMANDS, app, skill_command

    runner = CliRunner()
    for name, (_, _, summary) in SUBCOMMANDS.items():
        assert skill_command(name).help.splitlines()[0] == summary, name
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert summary[:40] in " ".join(result.output.split()), name


def test_skill_table_names_every_skill_in_order() -> None:
    from skills import SKILLS, all_skills

    assert [skill.name for skill in all_skills()] == list(SKILLS)
    assert [skill.name for skill in all_skills(("kb", "ask"))] == ["ask", "kb"]
