import pytest
from sqlalchemy import text as text_sql
from sqlmodel import Session

from bot.core.messages import Message
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


def router_with_message_claim(seen: list) -> Router:
    """`help`, `raid` (patterns) and `standup`, which claims DMs from user U0OWES."""

    def owes(text: str, message: Message, session: Session) -> bool:
        seen.append(
            (text, message.user, session.exec(text_sql("SELECT count(*) FROM projects")).one()[0])
        )
        return message.is_dm and message.user == "U0OWES"

    skills = [
        Skill("help", "Help.", priority=90),
        Skill("raid", "RAID log.", patterns=(r"\blog an? (risk|issue)\b",)),
        Skill(
            "standup", "Updates.", claim=lambda text: text.startswith("Done:"), claim_message=owes
        ),
    ]
    return Router(SkillRegistry(skills))


def test_claim_message_sees_who_wrote_after_the_words_had_their_say(sqlite_only_url) -> None:
    seen: list = []
    router = router_with_message_claim(seen)

    def route(text: str, user: str = "U0OWES", is_dm: bool = True):  # noqa: ANN202
        message = Message(text, user, channel=f"D{user}", via="dm", is_dm=is_dm)
        found = router.route(text, message, sqlite_only_url)
        return found.skill.name, found.how

    assert route("spent the day on the vendor contract") == ("standup", "claim")
    assert seen == [("spent the day on the vendor contract", "U0OWES", 0)]
    assert route("spent the day on the vendor contract", user="U0OTHER") == ("help", "fallback")
    assert route("spent the day on the vendor contract", is_dm=False) == ("help", "fallback")
    assert route("please log a risk: vendor slips") == ("raid", "pattern")  # commands first
    assert route("Done: contract") == ("standup", "claim")
    assert len(seen) == 3  # the pattern and the text claim answered without the database
    # Without a message (or a database) only the words count, as before.
    assert router.route("spent the day on the vendor contract").skill.name == "help"


def test_a_database_error_in_claim_message_routes_by_the_words(tmp_path) -> None:
    router = router_with_message_claim([])
    message = Message("spent the day on the contract", "U0OWES", via="dm", is_dm=True)
    missing = f"sqlite:///{tmp_path / 'no-tables.db'}"  # no `projects` table: the query fails
    route = router.route(message.text, message, missing)
    assert (route.skill.name, route.how) == ("help", "fallback")
