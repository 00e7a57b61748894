"""`scheduler/` is an engine: it imports no skill and no Slack code; skills declare the kinds."""

import ast
from pathlib import Path

from bot.scheduling import job_kinds

SCHEDULER = Path(__file__).resolve().parents[2] / "scheduler"
FORBIDDEN = ("skills", "bot.slack", "slack_sdk", "slack_bolt")


def imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_scheduler_module_imports_a_skill_or_slack() -> None:
    modules = sorted(SCHEDULER.glob("*.py"))
    assert len(modules) >= 5
    offending = {
        path.name: sorted(
            name
            for name in imported_modules(path.read_text())
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
        )
        for path in modules
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_checker_sees_lazy_imports_inside_functions() -> None:
    found = imported_modules(
        "def f():\n    from skills.raid import jobs\n    import bot.slack.app\n"
    )
    assert found == {"skills.raid", "bot.slack.app"}


def test_every_kind_comes_from_a_skill_declaration() -> None:
    names = [kind.name for kind in job_kinds()]
    assert sorted(names) == sorted(
        [
            "summary",
            "raid-reminder",
            "pm-digest",
            "checkin-prompt",
            "checkin-reminder",
            "checkin-report",
            "reminder",
            "milestone-slip",
        ]
    )
    assert all(type(kind).__module__.startswith("skills.") for kind in job_kinds())
