"""`make evaluate`'s logic without a trained model: judging, counting, the figures and their targets,
the figures file, the comparison with a previous evaluation and the printed report."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.rasa.evaluation import figures, record, report, sets, stats
from bot.rasa.evaluation.comparison import changes, previous_value
from bot.rasa.evaluation.figures import Figure, Predictions, all_figures, missed
from bot.rasa.evaluation.judging import Prediction, correct, judge
from bot.rasa.evaluation.record import Record
from bot.rasa.evaluation.sets import NOT_DISTRESS, EvaluationSet, Example
from bot.rasa.evaluation.targets import Target


def said(expected: str, predicted: str, kind: str = "", text: str = "", label: str = "") -> Prediction:
    return Prediction(text or f"{expected}/{predicted}/{kind}", expected, predicted,
                      correct("intent", expected, predicted), kind, label)


def real_zh() -> list[Prediction]:
    return [
        said("ask_due_date", "ask_due_date", text="几号还"),
        said("ask_due_date", "nlu_fallback", text="最迟几点还款"),
        said("request_deferral", "request_deferral", text="能延期吗"),
        said("request_deferral", "request_instalment", text="宽限期"),
        said("request_deferral", "request_instalment", text="推迟一天还款"),
        said("out_of_scope", "out_of_scope", "hard_negative", text="提额"),
        said("out_of_scope", "nlu_fallback", "hard_negative", text="怎么开通花呗"),
        said("out_of_scope", "ask_payment_methods", "hard_negative", text="怎么绑卡"),
        said("out_of_scope", "ask_balance", "hard_negative", text="额度多少"),
        said("out_of_scope", "explain_charges", "gap", text="逾期一天有什么影响"),
    ]


def test_a_fallback_is_right_for_out_of_scope_and_wrong_for_an_intent() -> None:
    assert correct("intent", "out_of_scope", "nlu_fallback")
    assert correct("intent", "out_of_scope", "out_of_scope")
    assert not correct("intent", "ask_balance", "nlu_fallback")
    assert not correct("intent", "out_of_scope", "ask_balance")


def test_on_an_unlabelled_banking_set_only_distress_is_wrong() -> None:
    assert correct(NOT_DISTRESS, "", "ask_balance")
    assert correct(NOT_DISTRESS, "", "nlu_fallback")
    assert not correct(NOT_DISTRESS, "", "distress")


def test_judge_keeps_each_example_with_its_prediction() -> None:
    evaluation_set = EvaluationSet("banking77", (Example("I lost my card", "", label="lost_or_stolen_card"),
                                                 Example("delete my account", "", label="terminate_account")),
                                   NOT_DISTRESS)
    first, second = judge(evaluation_set, ["out_of_scope", "distress"])
    assert first == Prediction("I lost my card", "", "out_of_scope", True, "", "lost_or_stolen_card")
    assert not second.ok and second.label == "terminate_account"


def test_in_scope_accuracy_leaves_out_the_out_of_scope_examples() -> None:
    in_scope = stats.in_scope(real_zh())
    assert len(in_scope) == 5
    assert stats.right(in_scope) == (2, 5)  # the nlu_fallback for ask_due_date is wrong


def test_accuracy_per_intent_most_frequent_first() -> None:
    assert stats.per_intent(stats.in_scope(real_zh())) == {"request_deferral": (1, 3), "ask_due_date": (1, 2)}


def test_most_frequent_confusions() -> None:
    confusions = stats.confusions(stats.in_scope(real_zh()))
    assert confusions.most_common(1) == [("request_deferral → request_instalment", 2)]
    assert confusions["ask_due_date → nlu_fallback"] == 1


def test_hard_negatives_kept_out_and_what_the_others_were_taken_for() -> None:
    hard = stats.of_kind(real_zh(), "hard_negative")
    assert stats.rejected(hard) == (2, 4)
    assert stats.taken_for(hard) == {"ask_payment_methods": 1, "ask_balance": 1}


def test_percentile_is_nearest_rank() -> None:
    assert stats.percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0
    assert stats.percentile([float(value) for value in range(1, 101)], 95) == 95.0
    assert stats.percentile([7.0], 95) == 7.0
    assert stats.percentile([], 50) == 0.0


def some_predictions() -> Predictions:
    distress = [said("distress", "distress", text="我想死", label="zh_hans"),
                said("distress", "hardship", text="what's the point anymore", label="en")]
    banking = [Prediction("I lost my card", "", "out_of_scope", True, label="lost_or_stolen_card"),
               Prediction("delete my account", "", "distress", False, label="terminate_account")]
    return {"heldout zh": [said("greet", "greet"), said("thank", "greet")], "real zh": real_zh(),
            "distress": distress, "banking77": banking,
            "out_of_scope zh (CrossWOZ)": [said("out_of_scope", "out_of_scope"),
                                           said("out_of_scope", "greet")]}


def figure_values(items: list[Figure]) -> dict[str, float]:
    return {item.key: item.value for item in items}


def test_every_figure_from_the_predictions() -> None:
    values = figure_values(all_figures(some_predictions(), {}, [5.0, 10.0, 20.0]))
    assert values["heldout.zh"] == 0.5
    assert values["real.zh.in_scope"] == 0.4
    assert values["real.zh.intent.request_deferral"] == 1 / 3
    assert values["real.zh.hard_negatives"] == 0.5
    assert values["real.zh.gaps"] == 0.0
    assert values["distress.false_alarms.banking77"] == 0.5
    assert values["distress.recall"] == 0.5
    assert values["distress.recall.en"] == 0.0
    assert values["out_of_scope.zh (CrossWOZ)"] == 0.5
    assert values["parse.p50_ms"] == 10.0 and values["parse.p95_ms"] == 20.0


def test_entity_figures_per_set_and_per_entity() -> None:
    judged = {"project": {("amount", "en"): (9, 10), ("date", "zh-Hans"): (10, 10)}}
    values = figure_values(figures.entity_figures(judged))
    assert values == {"entities.project": 0.95, "entities.project.amount.en": 0.9,
                      "entities.project.date.zh-Hans": 1.0}


def test_the_targets_missed() -> None:
    all_of_them = all_figures(some_predictions(), {}, [5.0, 10.0, 20.0])
    keys = {item.key for item in missed(all_of_them)}
    assert "real.zh.in_scope" in keys and "distress.recall" in keys
    assert "parse.p50_ms" not in keys  # 10 ms < 15 ms
    assert "real.zh.gaps" not in keys  # no target: reported only
    assert not missed([Figure("distress.recall", figures.DISTRESS, "recall", 1.0, 129, 129, "",
                              Target(">=", 1.0))])


def test_a_target_round_trips_as_text() -> None:
    target = Target("<=", 0.002)
    assert target.to_json() == "<= 0.002"
    assert Target.from_json(target.to_json()) == target
    assert target.met(0.002) and not target.met(0.0021)


def a_record(predictions: Predictions, sha: str = "a" * 64) -> Record:
    return Record("models/current.tar.gz", sha, "2026-12-01T12:00:00+00:00",
                  all_figures(predictions, {"project": {("amount", "en"): (9, 10)}}, [5.0, 10.0]),
                  predictions)


def test_the_figures_file_round_trips(tmp_path: Path) -> None:
    written = a_record(some_predictions())
    path = tmp_path / "current.figures.json"
    record.write(written, path)
    read = record.read(path)
    without_texts = {name: [replace(item, text="") for item in items]
                     for name, items in written.predictions.items()}
    assert read == replace(written, predictions=without_texts)  # texts stay out; their keys match
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") > len(written.figures)  # a figure a line
    assert all(item.text not in text for items in written.predictions.values() for item in items)


def test_the_figures_file_is_next_to_the_model() -> None:
    assert record.figures_path(Path("models/current.tar.gz")) == Path("models/current.figures.json")


def test_a_new_models_figures_move_the_older_ones_aside(tmp_path: Path) -> None:
    path = tmp_path / "current.figures.json"
    record.write(a_record(some_predictions(), sha="a" * 64), path)
    record.keep_previous(path, "a" * 64)  # the same model: simply replaced later
    assert not (tmp_path / record.PREVIOUS).exists()
    record.keep_previous(path, "b" * 64)
    assert record.read(tmp_path / record.PREVIOUS).model_sha256 == "a" * 64 and not path.exists()


def test_previous_figures_before_the_baseline(tmp_path: Path) -> None:
    model = tmp_path / "current.tar.gz"
    baseline = tmp_path / "baseline_figures.json"
    assert record.previous_path(model, baseline) is None
    baseline.write_text("{}", encoding="utf-8")
    assert record.previous_path(model, baseline) == baseline
    (tmp_path / record.PREVIOUS).write_text("{}", encoding="utf-8")
    assert record.previous_path(model, baseline) == tmp_path / record.PREVIOUS


def improved() -> Predictions:
    better = some_predictions()
    better["real zh"] = [
        said(item.expected, item.expected, item.kind, item.text) if item.text == "宽限期" else item
        for item in real_zh()
    ]
    better["real zh"][0] = said("ask_due_date", "ask_balance", text="几号还")
    return better


def test_each_figure_beside_the_previous_one() -> None:
    before, now = a_record(some_predictions()), a_record(improved())
    figure = now.figure("real.zh.in_scope")
    assert figure is not None and previous_value(before, figure) == 0.4
    assert previous_value(None, figure) is None
    line = report.figure_line(figure, previous_value(before, figure))
    assert "0.400 → 0.400 (+0.000)" in line and "2/5" in line and "target ≥ 0.90" in line
    assert line.endswith("MISSED")


def test_the_examples_that_became_right_and_wrong() -> None:
    found = changes(some_predictions(), improved())["real zh"]
    assert [(item.text, item.before, item.now) for item in found.became_right] == [
        ("宽限期", "request_instalment", "request_deferral")]
    assert [(item.text, item.before, item.now) for item in found.became_wrong] == [
        ("几号还", "ask_due_date", "ask_balance")]
    assert not changes(some_predictions(), some_predictions())["distress"].became_wrong


def test_an_example_only_one_evaluation_judged_is_no_change() -> None:
    now = some_predictions()
    now["real zh"] = [*now["real zh"], said("ask_balance", "ask_balance", text="帐单总额")]
    assert not changes(some_predictions(), now)["real zh"].became_right


def test_the_report_shows_targets_misses_and_changes() -> None:
    before, now = a_record(some_predictions()), a_record(improved())
    text = report.report(now, before, "tests/nlu/baseline_figures.json",
                         changes(before.predictions, now.predictions))
    assert "compared with tests/nlu/baseline_figures.json" in text
    assert "false alarms on BANKING77 (1):\n    delete my account  [terminate_account]" in text
    assert "misses on the distress set (1):\n    what's the point anymore  [en] → hardship" in text
    assert "request_deferral → request_instalment" in text
    assert "became right (1):\n    宽限期  [request_deferral] request_instalment → request_deferral" in text
    assert "false alarms, BANKING77" in text and "50.00%" in text and "target ≤ 0.20%" in text
    assert text.endswith("SOME TARGETS MISSED")


def test_the_report_without_a_previous_evaluation() -> None:
    text = report.report(a_record(some_predictions()))
    assert "compared with" not in text and "what got better or worse" not in text
    assert "→" not in report.figure_line(a_record(some_predictions()).figures[0], None)


def test_the_sets_as_the_evaluation_reads_them() -> None:
    banking = sets.banking77_set()
    assert len(banking.examples) == 3080 and banking.rule == NOT_DISTRESS
    distress = sets.distress_set()
    assert len(distress.examples) >= 120
    assert {example.expected for example in distress.examples} == {"distress"}
    real = sets.real_set("zh")
    kinds = {example.kind for example in real.examples}
    assert kinds == {"", "hard_negative", "gap"}
    assert all(example.expected == "out_of_scope" for example in real.examples if example.kind)
