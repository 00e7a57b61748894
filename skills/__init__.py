"""The skills; `registry()` collects every one for the router."""

from __future__ import annotations

from bot.core.skills import Skill, SkillRegistry


def all_skills() -> list[Skill]:
    """Every skill module's `skill`, imported lazily so tables register on demand."""
    from skills import admin, availability, help, interpret, projects, schedule
    from skills.cost import skill as cost
    from skills.hub import skill as hub
    from skills.kb.handlers import ask_skill
    from skills.kb.handlers import skill as kb
    from skills.milestones import skill as milestones
    from skills.raid import skill as raid
    from skills.reminders import skill as reminders
    from skills.status import checkin_skill
    from skills.status import skill as status
    from skills.summary import skill as summary

    return [
        summary,
        raid,
        status,
        checkin_skill,
        availability.skill,
        availability.quiet_skill,
        reminders,
        schedule.skill,
        ask_skill,
        kb,
        help.skill,
        projects.skill,
        milestones,
        cost,
        hub,
        admin.skill,
        interpret.skill,
    ]


def registry() -> SkillRegistry:
    return SkillRegistry(all_skills())
