"""Items and milestones named by their words, not their keys ("close the nimbus risk")."""

from __future__ import annotations

import pytest

from bot.core.messages import UserError
from tests.helpers import PM, STRANGER, with_project
from tests.interpret.conftest import slot_values


@pytest.fixture
def read(settings):
    """`read(op, text, user)`: the arguments the rules give `op` in #apollo, which holds
    R1 (Nimbus capacity), R2 (Nimbus licence), I1 (VPN tokens, closed), ACT1 and M1."""
    chat = with_project(settings)
    for line in (
        "/pmo raid add risk: Nimbus may not deliver the managed Postgres capacity in time",
        "/pmo raid add risk: Nimbus licence costs may rise next year",
        "/pmo raid add issue: VPN tokens expire for contractors",
        "/pmo raid add action: update terraform modules for the new vpc",
        "/pmo raid close I1",
        "/pmo milestone add Go-live --date 2027-01-15",
    ):
        chat.send(line)

    return lambda op_name, text, user=PM: slot_values(chat, op_name, text, user=user, fill=False)


def test_an_item_described_by_its_type_and_words_is_found(read) -> None:
    assert read("raid.close", "we can close the nimbus capacity risk")["key"] == "APOLLO-R1"
    assert read("raid.close", "close the terraform action, done")["key"] == "APOLLO-ACT1"
    assert read("raid.show", "where are we with the licence risk?")["key"] == "APOLLO-R2"
    assert read("raid.reopen", "reopen the VPN issue, it's back")["key"] == "APOLLO-I1"
    assert read("milestone.follow", "let me know if go-live slips")["key"] == "APOLLO-M1"


def test_a_description_that_fits_several_or_none_finds_none(read) -> None:
    with pytest.raises(UserError, match="Which risk do you mean: `APOLLO-R1`, `APOLLO-R2`"):
        read("raid.close", "close the nimbus risk")
    assert "key" not in read("raid.close", "close the payroll risk")
    assert "key" not in read("raid.close", "there is a risk that the vendor slips")


def test_nobody_outside_the_project_finds_its_items_by_words(read) -> None:
    assert "key" not in read("raid.show", "where are we with the licence risk?", STRANGER)


def test_a_message_about_a_described_record_goes_to_that_record(settings) -> None:
    chat = with_project(settings)
    chat.send("/pmo raid add risk: Nimbus may not deliver the managed Postgres capacity in time")
    chat.send("/pmo milestone add Go-live --date 2027-01-15")
    closed = chat.send("we can close the nimbus capacity risk, they confirmed the instances")
    assert "APOLLO-R1* · Risk · closed" in closed[-1].text
    assert "*Go-live*" in chat.send("when is go-live?")[0].text
    assert "Logged" in chat.send("the vendor might slip the go-live")[0].text  # a new risk
