"""The stage report: where each answer was lost, from the answer's trace and the gold sentence."""

from __future__ import annotations

from rag.evaluate.items import EvalItem
from rag.evaluate.stages import lost_at, matches, stage_lines, stage_row, stages_for

GOLD = "Combined Iraqi Forces and Pro-Iraq militias announced Oct. 5 that Hawija was taken."
OTHER = "On November 3rd, Iraqi security forces retook al-Qaim district."
FACTS = [["Oct. 5", "October 5"]]


def _row(**kw):
    trace = kw.pop("trace", {})
    row = {"id": "x", "type": "date", "answer": "", "abstained": True, "correct": False, "context": []}
    return {**row, **kw, "trace": trace, "citations": kw.get("citations", [])}


def test_matching_is_by_the_sentence_head_or_tail_not_by_shared_words():
    assert matches(GOLD, "Intro text. " + GOLD + " More text after it.")
    assert matches(GOLD, GOLD.upper().replace(" ", "  "))  # folded and squashed
    assert not matches(GOLD, OTHER)


def test_each_stage_in_turn():
    passage = f"Intro. {GOLD} {OTHER}"
    cases = [
        (_row(context=[OTHER]), "retrieved"),
        (_row(context=[passage], trace={"evidence": [OTHER]}), "in_evidence"),
        (_row(context=[passage], trace={"evidence": [GOLD, OTHER], "chosen": [OTHER]}), "chosen"),
        (
            _row(context=[passage], trace={"evidence": [GOLD], "chosen": [GOLD], "span": "15 days"}),
            "span_right",
        ),
        (
            _row(
                context=[passage],
                trace={"evidence": [GOLD], "chosen": [GOLD], "span": "Oct. 5", "gate_passed": False},
            ),
            "gate_passed",
        ),
        (
            _row(
                context=[passage],
                trace={"evidence": [GOLD], "chosen": [GOLD], "span": "Oct. 5", "gate_passed": True},
                answer="Oct. 5 [1].",
                abstained=False,
                correct=True,
            ),
            "answered",
        ),
    ]
    for row, expected in cases:
        assert lost_at(stage_row(row, [GOLD], FACTS)) == expected, (expected, row["trace"])


def test_a_later_stage_never_holds_when_an_earlier_one_failed():
    row = _row(
        context=[OTHER], trace={"evidence": [GOLD], "chosen": [GOLD], "span": "Oct. 5", "gate_passed": True}
    )
    stages = stage_row({**row, "correct": True}, [GOLD], FACTS)
    assert not any(stages.values())


def test_summary_counts_only_answerable_items_with_gold_and_renders():
    items = [
        EvalItem("a", "q", "date", ["s"], "", FACTS, evidence=[GOLD]),
        EvalItem("b", "q", "date", ["s"], "", FACTS),  # no gold sentence: not counted
        EvalItem("c", "q", "unanswerable", [], "", [], evidence=[GOLD]),
    ]
    rows = [{**_row(context=[GOLD]), "id": i.id, "type": i.type} for i in items]
    summary = stages_for(items, {"ours": {"per_question": rows}})
    assert (
        summary["items"] == 1 and summary["held"]["retrieved"] == 1 and summary["lost_at"]["in_evidence"] == 1
    )
    text = "\n".join(stage_lines({"stages": summary}))
    assert "| in_evidence | 0 | 1 | a |" in text
    assert stages_for(items[1:2], {"ours": {"per_question": rows}}) is None
