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
