"""The printed report: a block per group of figures, each figure beside its previous value and its
target, the details a trainer acts on (confusions, false alarms, misses), then what became right or
wrong since the previous evaluation and which targets were missed."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from bot.rasa.evaluation import figures as groups
from bot.rasa.evaluation import stats
from bot.rasa.evaluation.comparison import Change, Changes, previous_value
from bot.rasa.evaluation.figures import Figure, Predictions
from bot.rasa.evaluation.record import Record
from bot.rasa.evaluation.targets import SIGNS, Target

LABEL_WIDTH = 34
VALUE_WIDTH = 30
TOP = 8  # confusions, intents taken for
CHANGE_LIMIT = 25  # examples listed per set and direction
TEXT_WIDTH = 100


def value_text(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.2f}%"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.3f}"


def delta_text(delta: float, unit: str) -> str:
    if unit == "%":
        return f"{delta * 100:+.2f}%"
    if unit == "ms":
        return f"{delta:+.1f} ms"
    return f"{delta:+.3f}"


def target_text(target: Target | None, unit: str) -> str:
    if target is None:
        return ""
    bound = f"{target.bound:.2f}" if unit == "" else value_text(target.bound, unit)
    return f"target {SIGNS[target.op]} {bound}"


def figure_line(figure: Figure, before: float | None) -> str:
    now = value_text(figure.value, figure.unit)
    if before is not None:
        now = f"{value_text(before, figure.unit)} → {now} ({delta_text(figure.value - before, figure.unit)})"
    count = f"{figure.hits}/{figure.count}" if figure.hits is not None else f"n={figure.count}"
    mark = {None: "", True: "ok", False: "MISSED"}[figure.met]
    target = target_text(figure.target, figure.unit)
    return f"  {figure.label:<{LABEL_WIDTH}} {now:>{VALUE_WIDTH}}  {count:>9}  {target:<17} {mark}".rstrip()


def one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_WIDTH else flat[: TEXT_WIDTH - 1] + "…"


def counted(counter: Counter[str], limit: int = TOP) -> str:
    return " · ".join(f"{name} {count}" for name, count in counter.most_common(limit)) or "none"


def sets_named(predictions: Predictions, prefix: str) -> Iterable[tuple[str, str]]:
    """(set name, what follows the prefix) for the sets whose name starts with the prefix."""
    return ((name, name.removeprefix(prefix)) for name in predictions if name.startswith(prefix))


def heldout_details(predictions: Predictions) -> list[str]:
    return [f"  most frequent errors, {short}: {counted(stats.confusions(predictions[name]), 5)}"
            for name, short in sets_named(predictions, "heldout ")]


def in_scope_details(predictions: Predictions) -> list[str]:
    lines = []
    for name, language in sets_named(predictions, "real "):
        lines.append(f"  most frequent confusions, {language}:")
        for confusion, count in stats.confusions(stats.in_scope(predictions[name])).most_common(TOP):
            lines.append(f"    {count:>4}  {confusion}")
    return lines


def hard_negative_details(predictions: Predictions) -> list[str]:
    return [
        f"  the others were taken for, {language}: "
        f"{counted(stats.taken_for(stats.of_kind(predictions[name], 'hard_negative')))}"
        for name, language in sets_named(predictions, "real ")
    ]


def distress_details(predictions: Predictions) -> list[str]:
    lines = []
    alarms = [item for item in predictions.get("banking77", []) if not item.ok]
    lines.append(f"  false alarms on BANKING77 ({len(alarms)}):")
    lines += [f"    {one_line(item.text)}  [{item.label}]" for item in alarms]
    misses = stats.wrong(predictions.get("distress", []))
    lines.append(f"  misses on the distress set ({len(misses)}):")
    lines += [f"    {one_line(item.text)}  [{item.label}] → {item.predicted}" for item in misses]
    return lines


def out_of_scope_details(predictions: Predictions) -> list[str]:
    return [f"  most triggered, {short}: {counted(stats.taken_for(predictions[name]), 5)}"
            for name, short in sets_named(predictions, "out_of_scope ")]


DETAILS: dict[str, Callable[[Predictions], list[str]]] = {
    groups.HELDOUT: heldout_details,
    groups.IN_SCOPE: in_scope_details,
    groups.HARD_NEGATIVES: hard_negative_details,
    groups.DISTRESS: distress_details,
    groups.OUT_OF_SCOPE: out_of_scope_details,
}


def block(group: str, record: Record, previous: Record | None) -> list[str]:
    members = [figure for figure in record.figures if figure.group == group]
    if not members:
        return []
    lines = ["", group]
    lines += [figure_line(figure, previous_value(previous, figure)) for figure in members]
    return lines + DETAILS.get(group, lambda _: [])(record.predictions)


def change_lines(title: str, items: list[Change]) -> list[str]:
    if not items:
        return []
    lines = [f"  {title} ({len(items)}):"]
    for item in items[:CHANGE_LIMIT]:
        expected = f"[{item.expected}] " if item.expected else ""
        lines.append(f"    {one_line(item.text)}  {expected}{item.before} → {item.now}")
    if len(items) > CHANGE_LIMIT:
        lines.append(f"    … and {len(items) - CHANGE_LIMIT} more (both figures files keep every prediction)")
    return lines


def changes_block(changes: dict[str, Changes]) -> list[str]:
    lines = ["", "what got better or worse (examples whose verdict changed)"]
    for name, change in changes.items():
        if change.became_right or change.became_wrong:
            lines.append(f" {name}")
            lines += change_lines("became right", change.became_right)
            lines += change_lines("became wrong", change.became_wrong)
    return lines if len(lines) > 2 else [*lines, "  none"]


def header(record: Record, previous: Record | None, previous_source: str) -> list[str]:
    lines = [f"model {record.model} (sha256 {record.model_sha256[:12]}), measured {record.measured_at}"]
    if previous is not None:
        lines.append(f"compared with {previous_source}: model {previous.model} "
                     f"(sha256 {previous.model_sha256[:12]}), measured {previous.measured_at}")
    return lines


def missed_lines(missed: list[Figure]) -> list[str]:
    if not missed:
        return ["", "all targets met"]
    lines = ["", "targets missed:"]
    lines += [f"  {figure.label:<{LABEL_WIDTH}} {value_text(figure.value, figure.unit):>10}  "
              f"{target_text(figure.target, figure.unit):<17} [{figure.key}]" for figure in missed]
    return [*lines, "SOME TARGETS MISSED"]


def report(record: Record, previous: Record | None = None, previous_source: str = "",
           changes: dict[str, Changes] | None = None) -> str:
    lines = header(record, previous, previous_source)
    for group in groups.GROUPS:
        lines += block(group, record, previous)
    if changes is not None:
        lines += changes_block(changes)
    return "\n".join(lines + missed_lines(groups.missed(record.figures)))
