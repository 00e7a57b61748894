"""The README's command table and `/pmo help` say what the operations declare."""

from bot.core.reference import README, commands_markdown, readme_block
from skills import registry


def test_readme_lists_every_operation_as_declared() -> None:
    text = README.read_text(encoding="utf-8")
    assert readme_block(text) == commands_markdown(registry()), (
        "README is out of date: run `python -m bot.core.reference --write`"
    )


def test_help_for_a_skill_lists_its_operations(settings) -> None:
    from tests.helpers import console

    reply = console(settings).send("help raid")[0].text
    for op in registry().get("raid").operations:
        if not op.hidden:
            assert op.summary in reply.replace("&amp;", "&"), op.name


def test_help_lists_only_skills_with_something_to_ask_for(settings) -> None:
    from tests.helpers import console

    listing = console(settings).send("help")[0].text
    assert "*raid*" in listing and "*interpret*" not in listing  # its buttons only


def test_help_about_a_topic_in_words_shows_that_skill(settings) -> None:
    from tests.helpers import console

    chat = console(settings)
    for said, name in (("help with milestones", "milestone"), ("help me log a risk", "raid")):
        assert chat.send(said)[0].text.startswith(f"*{name}* —"), said
    assert "I'm not sure what you meant" in chat.send("help me please I am lost")[0].text
