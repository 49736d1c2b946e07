"""Several loans to repay: the arrangement form asks first which one (a button per loan with
what is overdue on it), reads the answer however it is put, and the offer is then made on
that loan. Alice has L-2001 (SGD, overdue) and L-2002 (USD, nothing overdue yet)."""
from __future__ import annotations

from rasa_sdk.events import ConversationPaused, FollowupAction, SlotSet

from actions.negotiation import ActionAskArrangementLoan, ActionOfferArrangement, ValidateArrangementForm
from tests.actions.conftest import conversation, run_on
from tests.builders import alice, bill, load

REQUESTED = "requested_slot"


def said(messages) -> list[str]:
    return [message["response"] for message in messages]


def slots_set(events) -> dict:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def answering(text: str, *, intent: str = "inform", entities: list | None = None,
              choices: tuple = ("L-2001", "L-2002")):
    tracker = conversation("conv-alice", [("request_deferral", "can I pay later?"), (intent, text)], slots={
        "arrangement_type": "deferral", "arrangement_ok": True, "arrangement_loan": None,
        "loan_choices": list(choices), REQUESTED: "arrangement_loan"}, active_loop="arrangement_form")
    tracker.latest_message["entities"] = entities or []
    return tracker


async def test_a_request_with_two_loans_to_repay_asks_which(loan_db, frozen_today):
    messages, events = await run_on(ActionOfferArrangement(),
                                    conversation("conv-alice", [("request_deferral", "can I pay later?")]))
    assert messages == []  # the form asks the question
    slots = slots_set(events)
    assert (slots["arrangement_ok"], slots["arrangement_loan"], slots["loan_choices"]) == (
        True, None, ["L-2001", "L-2002"])
    assert "offers_made" not in slots  # nothing is offered until the loan is known


async def test_a_request_that_names_the_loan_is_offered_on_it(loan_db, frozen_today):
    messages, events = await run_on(ActionOfferArrangement(), conversation(
        "conv-alice", [("request_deferral", "can I defer the SGD loan?")]))
    assert said(messages) == ["utter_offer_deferral"] and messages[0]["loan_id"] == "L-2001"
    assert slots_set(events)["arrangement_loan"] == "L-2001"


async def test_the_form_starts_by_asking_which_loan_with_a_button_each(loan_db, frozen_today):
    tracker = conversation("conv-alice", [("request_deferral", "can I pay later?")], slots={
        "arrangement_type": "deferral", "arrangement_loan": None, "loan_choices": ["L-2001", "L-2002"]})
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet(REQUESTED, "arrangement_loan")]
    messages, _ = await run_on(ActionAskArrangementLoan(), tracker)
    assert said(messages) == ["utter_ask_arrangement_loan"]
    assert messages[0]["buttons"] == [
        {"title": "L-2001 · SGD 538.25", "payload": '/inform{"loan_id": "L-2001"}'},
        {"title": "L-2002 · $0.00", "payload": '/inform{"loan_id": "L-2002"}'},
    ]


async def test_a_tapped_loan_is_chosen(loan_db, frozen_today):
    tracker = answering('/inform{"loan_id": "L-2002"}', entities=[{"entity": "loan_id", "value": "L-2002"}])
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet("arrangement_loan", "L-2002"), SlotSet("loan_chosen", True),
                      SlotSet(REQUESTED, None), FollowupAction("action_offer_arrangement")]


async def test_a_typed_answer_is_read_against_the_loans_offered(loan_db, frozen_today):
    for text, loan in [("the USD one", "L-2002"), ("2", "L-2002"), ("第一笔", "L-2001"), ("l2001", "L-2001")]:
        _, events = await run_on(ValidateArrangementForm(), answering(text, intent="out_of_scope"))
        assert slots_set(events)["arrangement_loan"] == loan, text


async def test_an_answer_that_names_no_loan_is_left_to_the_rules(loan_db, frozen_today):
    tracker = answering("how much do I owe", intent="ask_balance")
    messages, events = await run_on(ValidateArrangementForm(), tracker)
    assert (messages, events) == ([], [SlotSet(REQUESTED, "arrangement_loan")])


async def test_a_hard_case_is_not_read_as_an_answer(loan_db, frozen_today):
    _, events = await run_on(ValidateArrangementForm(), answering("the second one is not my loan",
                                                                  intent="dispute_debt"))
    assert events == [SlotSet(REQUESTED, "arrangement_loan")]


async def test_an_answer_that_could_mean_several_asks_again_among_them(loan_db, frozen_today):
    load(loan_db, alice().loan("L-2002", "USD", "300.00", bill(17, "300.00", interest="4.50"))
         .loan("L-2003", "USD", "200.00", bill(-3, "200.00")), today=frozen_today)
    choices = ("L-2001", "L-2002", "L-2003")
    messages, events = await run_on(ValidateArrangementForm(), answering("the USD one", choices=choices))
    assert said(messages) == ["utter_loan_narrowed"]
    assert events == [SlotSet("loan_choices", ["L-2002", "L-2003"]), SlotSet(REQUESTED, "arrangement_loan")]
    narrowed = ("L-2002", "L-2003")
    messages, _ = await run_on(ActionAskArrangementLoan(), answering("the USD one", choices=narrowed))
    assert [b["title"] for b in messages[0]["buttons"]] == ["L-2002 · $0.00", "L-2003 · $200.00"]
    _, events = await run_on(ValidateArrangementForm(), answering("the second", choices=narrowed))
    assert slots_set(events)["arrangement_loan"] == "L-2003"  # the second of those shown


async def test_the_offer_is_then_made_on_the_loan_chosen(loan_db, frozen_today):
    tracker = conversation("conv-alice", [("request_deferral", "can I pay later?"), ("inform", "SGD")],
                           slots={"arrangement_type": "deferral", "arrangement_loan": "L-2001",
                                  "loan_chosen": True})
    messages, events = await run_on(ActionOfferArrangement(), tracker)
    assert said(messages) == ["utter_offer_deferral"] and messages[0]["loan_id"] == "L-2001"
    slots = slots_set(events)
    assert (slots["arrangement_ok"], slots["arrangement_loan"], slots["loan_chosen"]) == (
        True, "L-2001", None)
    assert slots["offers_made"] == ["deferral"]
    assert events[-1] == FollowupAction("arrangement_form")  # which starts again, on this loan


async def test_a_loan_chosen_that_cannot_have_it_is_explained(loan_db, frozen_today):
    tracker = conversation("conv-alice", [("request_deferral", "can I pay later?"), ("inform", "USD")],
                           slots={"arrangement_type": "deferral", "arrangement_loan": "L-2002",
                                  "loan_chosen": True})
    messages, events = await run_on(ActionOfferArrangement(), tracker)
    assert said(messages) == ["utter_not_eligible_not_overdue", "utter_offer_human"]
    assert messages[0]["loan_id"] == "L-2002"
    assert slots_set(events)["arrangement_ok"] is False and ConversationPaused() not in events
    assert events[-1] == FollowupAction("action_listen")


async def test_starting_again_the_form_reads_the_request_before_the_question(loan_db, frozen_today):
    """"Can I pay in 6 instalments?" → which loan? → "SGD": the 6 is not asked again."""
    tracker = conversation("conv-alice", [("request_instalment", "6 instalments please"),
                                          ("inform", "SGD")],
                           slots={"arrangement_type": "instalment_plan", "arrangement_loan": "L-2001"})
    request = next(e for e in tracker.events if e.get("text") == "6 instalments please")
    request["parse_data"]["entities"] = [{"entity": "instalments", "value": "6", "start": 0, "end": 1}]
    _, events = await run_on(ValidateArrangementForm(), tracker)
    assert events == [SlotSet("instalment_count", "6"), SlotSet(REQUESTED, "first_payment_date")]
