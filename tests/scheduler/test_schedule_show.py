"""`schedule show` lists what concerns the channel's project only: not another project's
people, channels or reminders; someone's personal reminders only to them, ephemerally."""

from tests.helpers import console, with_project

OWEN, ZED, SECRET = "U0OWEN", "U0ZED", "C0SECRET"


def with_orion(settings) -> None:  # noqa: ANN001
    """Project `orion` in #C0SECRET: Owen its PM, Zed a member with a risk and a reminder."""
    owen = console(settings, user=OWEN, channel=SECRET)
    created = owen.send(f"/pmo project create orion Orion merger --member <@{ZED}>")
    assert "Created project" in created[0].text, created[0].text
    owen.send("remind us every weekday at 10 to check merger data room")
    owen.send(f"raid add risk: data room leak, owner <@{ZED}>, due 2026-11-20")
    console(settings, user=ZED, channel=None).send("remind me on Monday at 8:30 to see the lawyer")


def test_a_project_schedule_shows_nothing_of_another_project(settings) -> None:
    chat = with_project(settings)
    with_orion(settings)
    said = "\n".join(r.text for r in chat.send("/pmo schedule show"))
    assert "Schedule of `apollo`" in said and "summary → C0APOLLO" in said
    for other in (OWEN, ZED, SECRET, "orion"):
        assert other not in said, (other, said)


def test_personal_reminders_show_only_to_their_person_and_ephemerally(settings) -> None:
    with_project(settings)
    with_orion(settings)
    shared, mine = console(settings, user=ZED, channel=SECRET).send("/pmo schedule show")
    assert "raid-reminder → U0ZED" in shared.text and "— reminder → C0SECRET" in shared.text
    assert "— reminder → U0ZED" not in shared.text and not shared.ephemeral
    assert mine.ephemeral and "Mon 30 Nov 08:30" in mine.text and "reminder → U0ZED" in mine.text
    owens = console(settings, user=OWEN, channel=SECRET).send("/pmo schedule show")
    assert len(owens) == 1 and "— reminder → U0ZED" not in owens[0].text
