"""Check-in data joins the project summary: the health roll-up and a check-ins section."""

from tests.helpers import BOB, CHEN
from tests.status.chat import dm, with_checkins


def test_summary_rolls_up_statuses_and_lists_check_ins(settings) -> None:
    chat = with_checkins(settings)
    before = chat.send("summary")[0].text
    assert "health *green*" in before and "Check-ins" not in before
    dm(chat, BOB, "Done: API. Next: tests. Blockers: vendor VPN still down. Status: red")
    dm(chat, CHEN, "Done: design. Next: review. Blockers: none. Status: red")
    after = chat.send("summary")[0].text
    assert "health *red*" in after
