"""After an outage, a one-off reminder is still sent, once and marked late."""

from datetime import UTC, datetime, timedelta

from tests.core.test_reminder_fixes import sent_at, set_reminder


def test_a_one_off_missed_in_an_outage_is_sent_late_once(settings) -> None:
    set_reminder(settings, "remind me today at 13:00 to book the room")
    set_reminder(settings, "remind me tomorrow at 9 to call the vendor")
    before = datetime(2026, 12, 7, 13, 0, 30, tzinfo=UTC)  # the last tick before the outage
    back = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)  # down from then to 16:00 the next day
    sent = sent_at(settings, [before, back, back + timedelta(minutes=1)])
    assert sent[0] == [":alarm_clock: Reminder: book the room"] and sent[2] == []
    [late] = sent[1]
    assert late.startswith("_Sent late: this was due Tue 08 Dec at 09:00")
    assert late.endswith(":alarm_clock: Reminder: call the vendor")
