"""The permission matrix: every operation × every role × every way in, from the registry.

Each operation the bot declares must have a sample here (a new one fails
`test_every_operation_has_a_sample` until it gets one), and every button, form and
shortcut it answers to is pressed. A role the rule (`bot.core.access`) does not allow must be
refused — never served and never left to fail on something else first — and a role it
allows must not be.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from bot.console.runner import console_dispatcher
from bot.core.db import session_scope
from bot.core.dispatch import Dispatcher
from bot.core.messages import Action, Message, Reply, Shortcut, ViewSubmission
from bot.core.models import Role
from bot.core.operations import Access
from bot.core.people import Person, StaticPeople
from bot.core.projects import create_project, set_member
from bot.core.settings import Settings, load_settings
from bot.interpret.interpreter import Interpreter
from bot.interpret.tables import Clarification
from skills import registry
from skills.cost import service as cost
from skills.kb.models import KbAnswer, KbDocument
from skills.milestones import service as milestones
from skills.raid import service as raid
from skills.raid.scoring import RaidType
from skills.reminders.models import Reminder
from skills.status.models import StatusUpdate

CHANNEL, ELSEWHERE, HOME, FAR = "C0APOLLO", "C0ELSEWHERE", "T0HOME", "T0FAR"
PM, MEMBER, VIEWER, OUTSIDER, ADMIN, FOREIGN = (
    "U0PM",
    "U0MEMBER",
    "U0VIEWER",
    "U0OUTSIDER",
    "U0ADMIN",
    "U0FOREIGN",
)
ROLES = {  # who: (user, team)
    "pm": (PM, HOME),
    "member": (MEMBER, HOME),
    "viewer": (VIEWER, HOME),
    "non-member": (OUTSIDER, HOME),
    "admin": (ADMIN, HOME),
    "other team": (FOREIGN, FAR),  # a member row, but another Slack team: a non-member
}
# What the rule allows each role, for records owned by the PM (see bot/core/access.py).
ALLOWED = {
    "pm": set(Access) - {Access.ADMIN},
    "member": {Access.ANYONE, Access.VIEWER, Access.MEMBER},
    "viewer": {Access.ANYONE, Access.VIEWER},
    "non-member": {Access.ANYONE},
    "admin": set(Access),
    "other team": {Access.ANYONE},
}

# One command per operation, said in another channel so the project is named on purpose.
SAMPLES = {
    "summary.project": "summary apollo",
    "summary.portfolio": "summary portfolio",
    "summary.rule": "summary rule",
    "raid.add": "raid add risk: vendor may slip --project apollo",
    "raid.list": "raid list --project apollo",
    "raid.show": "raid show APOLLO-R1",
    "raid.history": "raid history APOLLO-R1",
    "raid.export": "raid export csv --project apollo",
    "raid.heatmap": "raid heatmap --project apollo",
    "raid.update": "raid update APOLLO-R1 title New words",
    "raid.assign": f"raid assign APOLLO-R1 <@{MEMBER}>",
    "raid.close": "raid close APOLLO-R1 done",
    "raid.reopen": "raid reopen APOLLO-R1",
    "raid.convert": "raid convert APOLLO-R1",
    "raid.escalate": "raid escalate APOLLO-R1 help",
    "raid.delete": "raid delete APOLLO-R1",
    "raid.link": "raid link APOLLO-R1 APOLLO-I1",
    "raid.snooze": "raid snooze APOLLO-R1 3",
    "raid.form": "raid form --project apollo",
    "raid.edit_form": "raid form edit APOLLO-R1",
    "raid.undo": "raid undo APOLLO-R1",
    "undo.last": "undo",
    "raid.comment": "raid comment APOLLO-R1 vendor called",
    "raid.change_type": "raid type APOLLO-R1 issue",
    "raid.mine": "raid mine",
    "raid.changes": "raid changes --project apollo --since 7d",
    "status.missing": "status missing --project apollo",
    "interpret.clarify": "interpret clarify",
    "interpret.choose": "interpret choose {question}:0",
    "interpret.propose": "interpret propose",
    "interpret.decide": "interpret decide {question}:cancel",
    "admin.learning": "admin learning",
    "admin.usage": "admin usage",
    "reminder.create": "remind me tomorrow at 9 to call the vendor",
    "reminder.list": "reminder list",
    "reminder.cancel": "reminder cancel {reminder}",
    "reminder.undo": "reminder undo {reminder}",
    "admin.learning_reset": "admin learning reset",
    "status.submit": "status Done: the plan --project apollo",
    "status.show": "status mine --project apollo",
    "status.history": "status history --project apollo",
    "status.stats": "status stats --project apollo",
    "status.form": "status form --project apollo",
    "status.skip": "status skip --project apollo",
    "status.edit_form": "status form edit {update}",
    "status.submit_form": "status form save --project apollo",
    "status.log_blocker": "status blocker {update}:0",
    "checkin.show": "checkin show --project apollo",
    "checkin.holidays": "checkin holidays --project apollo",
    "checkin.set": "checkin set time 10:00 --project apollo",
    "checkin.setup": "checkin setup --project apollo",
    "checkin.save_setup": "checkin setup save --project apollo",
    "ooo.show": "ooo show",
    "ooo.clear": "ooo clear",
    "ooo.set": "ooo set 2026-12-21..2026-12-24",
    "quiet.set": "quiet set 19:00-08:00",
    "schedule.show": "schedule show --project apollo",
    "schedule.set": "schedule set stale 10 --project apollo",
    "kb.ask": "ask what is the plan? --project apollo",
    "kb.status": "kb status --project apollo",
    "kb.remove": "kb remove #{document} --project apollo",
    "kb.add": "kb add --project apollo",
    "kb.list": "kb list --project apollo",
    "kb.feedback": "kb feedback {answer} 1",
    "help.show": "help raid",
    "project.create": "project create zeus Zeus",
    "project.link": "project link apollo",
    "project.info": "project info apollo",
    "project.list": "project list",
    "project.members_add": "project members add <@U0NEW> --project apollo",
    "project.members_remove": f"project members remove <@{FOREIGN}> --project apollo",
    "project.other_teams": "project teams deny --project apollo",
    "milestone.add": "milestone add Beta two --date 2027-02-01 --project apollo",
    "milestone.list": "milestone list --project apollo",
    "milestone.show": "milestone show APOLLO-M1",
    "milestone.move": "milestone move APOLLO-M1 2027-01-20 vendor late",
    "milestone.set": "milestone set APOLLO-M1 status at risk",
    "milestone.delete": "milestone delete APOLLO-M1",
    "milestone.link": "milestone link APOLLO-M1 APOLLO-R1",
    "milestone.follow": "milestone follow APOLLO-M1",
    "milestone.threshold": "milestone threshold 5 --project apollo",
    "milestone.form": "milestone form --project apollo",
    "milestone.edit_form": "milestone form edit APOLLO-M1",
    "milestone.import": "milestone import --project apollo",
    "cost.show": "cost show --project apollo",
    "cost.budget": "cost budget 1.2m EUR --project apollo",
    "cost.actual": "cost actual Oct 2026 42k --project apollo",
    "cost.chart": "cost chart --project apollo",
    "cost.import": "cost import --project apollo",
    "hub.home": "hub",
    "hub.portfolio": "hub portfolio",
    "hub.log": "hub log apollo",
    "hub.log_item": "hub new item --project apollo",
}
BUTTONS = {  # action id: value
    "raid_close": "APOLLO-R1",
    "raid_snooze": "APOLLO-R1",
    "raid_edit": "APOLLO-R1",
    "raid_undo": "APOLLO-R1",
    "raid_open_form": "issue",
    "checkin_give": "apollo:2026-11-23",
    "checkin_skip": "apollo:2026-11-23",
    "checkin_edit": "{update}",
    "checkin_log_blocker": "{update}:0",
    "kb_helpful": "{answer}",
    **{f"interpret_choose_{i}": "{question}:0" for i in range(5)},
    **{f"interpret_{choice}": "{question}" for choice in ("confirm", "edit", "cancel")},
    "kb_unhelpful": "{answer}",
    "milestone_open_form": '{{"project": "apollo"}}',
    "milestone_edit": '{{"key": "APOLLO-M1", "shown": "2027-01-15"}}',
    "milestone_done": '{{"key": "APOLLO-M1", "shown": "2027-01-15"}}',
    "milestone_follow": '{{"key": "APOLLO-M1"}}',
    "cost_chart": "apollo",
    **{
        action: '{{"project": "apollo", "period": "2026-10", "amount": "1k"}}'
        for action in ("cost_add", "cost_replace")
    },
    "hub_page": '{{"page": 2}}',
    "hub_post_portfolio": "post",
    "hub_drill": '{{"project": "apollo", "filter": "overdue"}}',
    "hub_log_item": "apollo",
}
FORMS = {  # callback id: (private metadata, values)
    "raid_form": ({"project": "apollo", "channel": CHANNEL}, {"type": "risk", "title": "x"}),
    "raid_form_edit": ({"project": "apollo", "item": "APOLLO-R1"}, {"title": "Better words"}),
    "checkin_update": ({"project": "apollo"}, {"done": "the plan"}),
    "checkin_setup": ({"project": "apollo"}, {}),
    "milestone_form": ({"project": "apollo"}, {"name": "Beta two", "date": "2027-02-01"}),
    "milestone_form_edit": (
        {"project": "apollo", "key": "APOLLO-M1"},
        {"name": "Beta", "date": "2027-01-15", "status": "at_risk"},
    ),
}
SHORTCUTS = {"raid_from_message": "the vendor may slip the go-live"}


@pytest.fixture
def settings_sqlite(sqlite_only_url: str, tmp_path) -> Settings:
    """The matrix is about logic, not storage: SQLite only."""
    return load_settings(database_url=sqlite_only_url, chroma_path=tmp_path / "chroma")


@dataclass
class World:
    dispatcher: Dispatcher
    refs: dict[str, str]


def build_world(settings) -> World:
    people = StaticPeople("Europe/London")
    people.add(Person(ADMIN, "Admin", "UTC", is_admin=True))
    with session_scope(settings.database_url) as session:
        project = create_project(
            session, key="apollo", name="Apollo", actor=PM, channels=[CHANNEL], pms=[PM]
        )
        project.team_id = HOME
        for user, role in ((MEMBER, Role.MEMBER), (VIEWER, Role.VIEWER), (FOREIGN, Role.MEMBER)):
            set_member(session, project=project, user_id=user, role=role, actor=PM)
        raid.create_item(
            session, project=project, raid_type=RaidType.RISK, title="Vendor", actor=PM, owner=PM
        )
        raid.create_item(
            session, project=project, raid_type=RaidType.ISSUE, title="Late", actor=PM, owner=PM
        )
        milestones.create_milestone(
            session, project=project, name="Beta", due_on=date(2027, 1, 15), actor=PM, owner=PM
        )
        cost.set_budget(
            session, project=project, cents=10**8, currency="EUR", actor=PM, source="test"
        )
        update = StatusUpdate(
            project_id=project.id, user_id=PM, text="blocked", blockers=["legal sign-off"]
        )
        document = KbDocument(
            scope="project-apollo",
            project_id=project.id,
            source="/docs/plan.md",
            title="Plan",
            file_type="md",
            content_hash="0" * 64,
            modified_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        answer = KbAnswer(project_id=project.id, user_id=PM, question="plan?", found=False)
        question = Clarification(
            workspace=HOME,
            user_id=PM,
            text="chase the vendor",
            choices=[{"op": "none", "label": "Not for me", "preset": {}}],
        )
        reminder = Reminder(
            creator=PM,
            target=PM,
            text="call the vendor",
            first_due=datetime(2026, 11, 24, 9, tzinfo=UTC),
            timezone="UTC",
        )
        session.add_all([update, document, answer, question, reminder])
        session.flush()
        refs = {
            "update": str(update.id),
            "document": str(document.id),
            "answer": str(answer.id),
            "question": str(question.id),
            "reminder": str(reminder.id),
        }
    dispatcher = console_dispatcher(settings, people)
    dispatcher.invoke("checkin.set", {"project": "apollo", "setting": "on"}, user=PM)
    dispatcher.invoke(
        "checkin.set", {"project": "apollo", "setting": "participants", "value": "members"}, user=PM
    )
    return World(dispatcher, refs)


def ways_in(op_name: str, refs: dict[str, str], user: str, team: str) -> dict[str, object]:
    """Every way this operation can be reached, ready to hand to the dispatcher."""
    op = registry().operation(op_name)
    text = SAMPLES[op_name].format(**refs)
    ways: dict[str, object] = {
        "command": Message(f"/pmo {text}", user, ELSEWHERE, "command", team=team),
        "mention": Message(
            text, user, ELSEWHERE, "mention", team=team
        ),  # as Slack's adapter gives it
        "dm": Message(text, user, f"D{user}", "dm", is_dm=True, team=team),
    }
    for action_id in op.buttons:
        value = BUTTONS[action_id].format(**refs)
        ways[f"button {action_id}"] = Action(action_id, value, user, CHANNEL, team=team)
    for callback_id in op.forms:
        meta, values = FORMS[callback_id]
        ways[f"form {callback_id}"] = ViewSubmission(
            callback_id, values, user, json.dumps(meta), team=team
        )
    for callback_id in op.shortcuts:
        ways[f"shortcut {callback_id}"] = Shortcut(
            callback_id, user, CHANNEL, SHORTCUTS[callback_id], team=team
        )
    return ways


def send(dispatcher: Dispatcher, way: object) -> list[Reply]:
    if isinstance(way, Message):
        return dispatcher.handle_message(way)
    if isinstance(way, Action):
        return dispatcher.handle_action(way)
    if isinstance(way, Shortcut):
        return dispatcher.handle_shortcut(way)
    assert isinstance(way, ViewSubmission)
    outcome = dispatcher.handle_view(way)
    return outcome.replies or [Reply(text=str(outcome.errors))]


def test_every_operation_has_a_sample() -> None:
    declared = set(registry().operations)
    assert declared == set(SAMPLES), f"missing: {declared - set(SAMPLES)}"
    for op in registry().operations.values():
        assert set(op.buttons) <= set(BUTTONS), op.name
        assert set(op.forms) <= set(FORMS), op.name
        assert set(op.shortcuts) <= set(SHORTCUTS), op.name


def test_every_command_reaches_its_operation() -> None:
    route = Interpreter(registry()).interpret
    for name, text in SAMPLES.items():
        refs = dict.fromkeys(("update", "document", "answer", "question", "reminder"), "1")
        found = route(text.format(**refs))
        assert found.operation is not None and found.operation.name == name, (name, text)


@pytest.mark.parametrize("op_name", sorted(SAMPLES))
def test_permission_matrix(settings_sqlite, op_name: str) -> None:
    """One world per operation; refusals run first, as they change nothing."""
    op = registry().operation(op_name)
    world = build_world(settings_sqlite)
    order = sorted(ROLES, key=lambda role: op.access in ALLOWED[role])
    failures = []
    for role in order:
        user, team = ROLES[role]
        for how, way in ways_in(op_name, world.refs, user, team).items():
            replies = send(world.dispatcher, way)
            refused = any(r.refused for r in replies)
            if refused == (op.access in ALLOWED[role]):
                failures.append((role, how, [r.text[:160] for r in replies]))
    assert not failures, failures


def test_refused_work_changes_nothing(settings) -> None:
    world = build_world(settings)  # on SQLite and PostgreSQL
    before = world.dispatcher.invoke("raid.show", {"key": "APOLLO-R1"}, user=PM)[0].text
    refused = world.dispatcher.invoke("raid.delete", {"key": "APOLLO-R1"}, user=VIEWER)
    assert refused[0].refused and "Viewers of `apollo`" in refused[0].text
    assert world.dispatcher.invoke("raid.show", {"key": "APOLLO-R1"}, user=PM)[0].text == before
