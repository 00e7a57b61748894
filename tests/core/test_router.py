import pytest

from bot.core.router import Router, strip_address
from bot.core.skills import Skill, SkillRegistry
from skills import registry


def make_router() -> Router:
    skills = [
        Skill("help", "Help.", priority=90),
        Skill(
            "raid",
            "RAID log.",
            aliases=("risk",),
            patterns=(r"\blog an? (risk|issue)\b",),
            phrases=("we might miss the deadline", "there is a risk the vendor slips"),
        ),
        Skill(
            "summary",
            "Summaries.",
            phrases=(
                "how is the project doing",
                "give me a status summary of apollo",
                "how are we tracking",
            ),
        ),
    ]
    return Router(SkillRegistry(skills))


@pytest.mark.parametrize(
    ("text", "skill", "how"),
    [
        ("/pmo raid add risk: x", "raid", "explicit"),
        ("<@UBOT123> risk vendor", "raid", "explicit"),
        ("<@UBOT123> please log a risk: vendor slips", "raid", "pattern"),
        ("how is apollo doing?", "summary", "intent"),
        ("", "help", "fallback"),
        ("<@UBOT123>", "help", "fallback"),
        ("purple monkey dishwasher", "help", "fallback"),
    ],
)
def test_routes(text: str, skill: str, how: str) -> None:
    route = make_router().route(text)
    assert (route.skill.name, route.how) == (skill, how)


def test_explicit_route_passes_the_rest_as_arguments() -> None:
    route = make_router().route("<@UBOT123|pmo> raid add risk: vendor slips")
    assert route.args == "add risk: vendor slips"


def test_strip_address_keeps_the_message() -> None:
    assert strip_address("<@U0BOT> /pmo help me") == "help me"


def test_every_real_skill_is_reachable_by_name() -> None:
    router = Router(registry())
    for skill in router.registry.skills:
        assert router.route(f"{skill.name} something").skill is skill
