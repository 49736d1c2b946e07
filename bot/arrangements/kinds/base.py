"""What every kind of arrangement defines, once: its fields (each with its entity, slot, API
and terms name), its frozen terms, its policy section, who may have it (eligibility), what
values it accepts, and the schedule of payments it promises.

Values inside are typed (`int`, `date`, `Decimal`); `to_json` / `from_json` turn terms into
the JSON kept in the database, in slots and in API answers, and back.
"""
from __future__ import annotations

import dataclasses
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from bot.arrangements.eligibility import ArrangementLike, Eligibility
from bot.arrangements.kinds.choices import choices_within
from bot.arrangements.policy_values import Section
from bot.loans.balance import LoanBalance
from bot.money import MAX_AMOUNT, PLAIN_DECIMAL, quantize

if typing.TYPE_CHECKING:
    from bot.arrangements.policy import Policy

# A whole number with more digits than this is certainly out of any policy's range; reading it
# as this keeps absurd input (a 5,000-digit count) from costing anything.
LARGEST_WHOLE = 10**12


@dataclass(frozen=True)
class Due:
    """One payment an arrangement expects: by `due_date`, `amount`."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Invalid:
    """Why a value cannot be used: a reason code, and what is allowed instead."""

    reason: str
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)


# --- the three sorts of value a borrower or an agent gives --------------------------------


def read_whole(raw: object) -> int | None:
    """6, "6", Decimal("6"); None for anything that is not a whole number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        if not raw.is_finite() or raw != raw.to_integral_value():
            return None
        return int(raw) if abs(raw) < LARGEST_WHOLE else LARGEST_WHOLE
    if isinstance(raw, int):
        return max(min(raw, LARGEST_WHOLE), -LARGEST_WHOLE)
    text = str(raw).strip() if isinstance(raw, str) else ""
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= 12 else LARGEST_WHOLE


def read_date(raw: object) -> date | None:
    """A date, or ISO text `YYYY-MM-DD`."""
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(raw.strip()) if isinstance(raw, str) else None
    except ValueError:
        return None


def read_money(raw: object) -> Decimal | None:
    """Exact decimal text, an int or a Decimal; never a float (not exact), and never more
    than the money columns hold."""
    if isinstance(raw, (bool, float)):
        return None
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    elif isinstance(raw, str) and PLAIN_DECIMAL.fullmatch(raw.strip()):
        value = Decimal(raw.strip())
    else:
        return None
    return value if value.is_finite() and abs(value) < MAX_AMOUNT else None


READERS = {"whole": read_whole, "date": read_date, "money": read_money}
UNREADABLE = {"whole": "not_a_number", "date": "not_a_date", "money": "not_an_amount"}


def as_text(value: Any) -> str:
    """A typed value as CONTRACT §2 writes it (and the form's slots keep it): "14",
    "2026-12-07", "538.25"."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def days_until(text: str, today: date) -> int | None:
    """The days from today to an ISO date: "pay on the 20th" as a number of days later."""
    day = read_date(text)
    return None if day is None else (day - today).days


@dataclass(frozen=True)
class Reading:
    """Another entity that gives a field its value, and how: a date gives a deferral its days."""

    entity: str
    read: Callable[[str, date], object]  # (the entity's normalised value, today) → the raw value


@dataclass(frozen=True)
class Field:
    """A value the borrower (or an agent) gives for an arrangement, named once for every layer."""

    name: str  # in the terms, the agent API and the console
    sort: str  # whole | date | money
    entity: str  # the CONTRACT §2 entity that carries it in a borrower's message
    slot: str  # the Rasa slot the negotiation form fills (utter_ask_<slot>, utter_invalid_<slot>)
    label: str  # what the console's form calls it
    aliases: tuple[str, ...] = ()  # earlier API names still accepted
    also: tuple[Reading, ...] = ()  # other entities that fill it in a borrower's message

    def read(self, raw: object) -> Any:
        """The typed value, or None when `raw` is not of this field's sort."""
        return READERS[self.sort](raw)

    @property
    def unreadable(self) -> str:
        return UNREADABLE[self.sort]

    @property
    def entities(self) -> tuple[str, ...]:
        """The entities that can fill it, its own first."""
        return (self.entity, *(reading.entity for reading in self.also))

    @property
    def is_a_when(self) -> bool:
        """It says when the borrower pays: a vague "whenever" can answer it."""
        return "date" in (self.sort, *self.entities)

    def raw(self, entity: str, text: str, today: date) -> object:
        """The raw value that an entity's normalised `text` gives this field."""
        reading = next((r for r in self.also if r.entity == entity), None)
        return text if reading is None else reading.read(text, today)


@dataclass(frozen=True)
class Situation:
    """What checking a value needs: the loan as it stands, today, and the currency's policy."""

    balance: LoanBalance
    today: date
    policy: Policy


class Terms(Protocol):
    """What every kind's terms have: they are in a currency."""

    @property
    def currency(self) -> str: ...


T = TypeVar("T", bound=Terms)  # a kind's terms (a frozen dataclass)
R = TypeVar("R")  # a kind's policy rules


class Kind(ABC, Generic[T, R]):
    """One kind of arrangement. Subclasses set the class attributes and the rules."""

    name: ClassVar[str]  # deferral | instalment_plan | promise_to_pay (Arrangement.type)
    title: ClassVar[str]  # for agents
    intent: ClassVar[str]  # the borrower's request (CONTRACT §1)
    fields: ClassVar[tuple[Field, ...]]
    terms_type: ClassVar[type]
    policy: ClassVar[Section]  # its section of policy.yml
    offer_response: ClassVar[str]  # "yes, you can: …"
    propose_response: ClassVar[str]  # "to confirm: …" with the exact terms
    flagged_when_broken: ClassVar[bool]  # a broken one hands the next chat to a person
    # While active, its schedule replaces the bills overdue when it was made (a deferral's new
    # due date, a plan's instalments): bot/arrangements/coverage.py, bot/loans/balance.py.
    reschedules: ClassVar[bool]

    def rules(self, policy: Policy) -> R:
        return policy.sections[self.policy.name]

    def field(self, name: str) -> Field:
        return next(field for field in self.fields if field.name == name)

    def check(self, field: Field, raw: object, situation: Situation) -> tuple[Any, Invalid | None]:
        """(the typed value, None) when `raw` is acceptable; else (None, why not)."""
        value = field.read(raw)
        if value is None:
            return None, Invalid(field.unreadable, self.allowed(field, situation))
        invalid = self.problem(field, value, situation)
        return (None, invalid) if invalid else (value, None)

    @abstractmethod
    def eligibility(self, balance: LoanBalance, history: Iterable[ArrangementLike], policy: Policy,
                    today: date, *, on_hold: bool = False) -> Eligibility:
        """May this be offered on the loan today, and with what limits?"""

    @abstractmethod
    def problem(self, field: Field, value: Any, situation: Situation) -> Invalid | None:
        """Why a typed value is not allowed (None when it is)."""

    @abstractmethod
    def allowed(self, field: Field, situation: Situation) -> dict[str, Any]:
        """What the policy allows for the field, for a re-ask or a refusal."""

    def choices(self, field: Field, situation: Situation) -> tuple[Any, ...]:
        """The typed values a question for the field offers as quick replies, in order; the
        last is the most the policy allows (bot/arrangements/kinds/choices.py)."""
        return choices_within(self.allowed(field, situation))

    def about(self, field: Field, value: Any, situation: Situation) -> dict[str, Any]:
        """The values a suggestion of `value` for the field is shown with (utter_suggest_<slot>)."""
        return {"value": value}

    def freezes_late_fees(self, terms: T) -> bool:
        """Whether the bills it covers gain no late fee while it runs (bot/loans/late_fees.py)."""
        return False

    @abstractmethod
    def terms(self, values: Mapping[str, Any], situation: Situation) -> T:
        """The exact terms, from checked values named by field."""

    @abstractmethod
    def schedule(self, terms: T) -> tuple[Due, ...]:
        """The payments the arrangement expects, in date order."""

    @abstractmethod
    def shown(self, terms: T) -> dict[str, Any]:
        """The values of `propose_response` (typed: the reply formats them)."""

    @abstractmethod
    def describe(self, terms: T) -> str:
        """One line for agents: "14 days · new due date 2026-12-15"."""

    def to_json(self, terms: T) -> dict[str, Any]:
        return _json_of(terms, terms.currency)

    def from_json(self, data: Mapping[str, Any]) -> T:
        return _from_json(self.terms_type, data)


# --- terms <-> JSON ---------------------------------------------------------------------------


def _json_of(value: Any, currency: str) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_of(getattr(value, f.name), currency) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_json_of(item, currency) for item in value]
    if isinstance(value, Decimal):
        return str(quantize(value, currency))
    if isinstance(value, date):
        return value.isoformat()
    return value


def _from_json(cls: type, data: Mapping[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _value_from_json(hints[f.name], data[f.name]) for f in dataclasses.fields(cls)})


def _value_from_json(hint: Any, raw: Any) -> Any:
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_value_from_json(item, element) for element in raw)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _from_json(hint, raw)
    if hint is Decimal:
        return Decimal(str(raw))
    if hint is date:
        return date.fromisoformat(raw)
    return raw
