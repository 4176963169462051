"""The eval's judged metrics (RAGAS faithfulness, ALCE citation recall/precision), the judge's
guards and cache, calibration scoring, thresholds and the report. The model is replaced by a
rule here; the real judge runs in test_e2e_eval.py."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest

from rag.evaluate.calibration import calibrate, load_pairs
from rag.evaluate.claims import claims_of, judge_answer, prose_claims
from rag.evaluate.judge import SupportJudge, _parse_verdict, is_verbatim
from rag.evaluate.report import write_report
from rag.evaluate.scoring import check_thresholds, judged_summary
from rag.types import Answer, SentenceCheck


class RuleJudge(SupportJudge):
    """'Supported' when every word of the claim occurs in the passages: a stand-in model."""

    def ask_model(self, claim: str, passages: list[str]) -> bool:
        self.calls += 1
        words = set(re.findall(r"[a-z0-9]+", " ".join(passages).lower()))
        return set(re.findall(r"[a-z0-9]+", claim.lower())) <= words


@pytest.fixture
def judge(base_settings, tmp_path):
    return RuleJudge(settings=replace(base_settings, data_dir=tmp_path))


def test_prose_sentences_carry_their_own_citations():
    got = prose_claims("Hawija fell on Oct. 5. [1] It took 15 days [1][2]. The articles don't say why.")
    assert [(s.text, s.cites) for s in got] == [("Hawija fell on Oct. 5.", [1]), ("It took 15 days.", [1, 2])]
    assert prose_claims("I don't know.") == []


def test_our_claims_are_read_from_the_checks_not_the_wording():
    # A compound question's answer: a quote for one part, a decline with its closest passage
    # for the other (not a claim), and a verified sentence; dropped and gap sentences are not
    # claims either. The text is deliberately not the UI's wording: only the checks count.
    checks = [
        SentenceCheck("Rawa fell. Troops advanced.", [1], "quoted"),
        SentenceCheck("The articles don't state this directly.", [], "gap"),
        SentenceCheck("Mosul is large.", [2], "closest"),
        SentenceCheck("Hawija fell on Oct. 5.", [3], "verified"),
        SentenceCheck("Hawija fell on Oct. 9.", [], "dropped"),
        SentenceCheck("It took 15 days.", [3, 4], "repaired"),
    ]
    answer = Answer("q?", "(any wording)", True, checks=checks)
    assert [(c.text, c.cites) for c in claims_of(answer)] == [
        ("Rawa fell. Troops advanced.", [1]),
        ("Hawija fell on Oct. 5.", [3]),
        ("It took 15 days.", [3, 4]),
    ]
    # A system without checks (the plain chain) is read from its prose.
    plain = Answer("q?", "Hawija fell on Oct. 5 [2].", True)
    assert [(c.text, c.cites) for c in claims_of(plain)] == [("Hawija fell on Oct. 5.", [2])]


def test_alce_precision_flags_a_citation_the_sentence_does_not_need(judge):
    passages = {1: "Hawija was taken on Oct. 5 after 15 days.", 2: "Mosul lies on the Tigris."}
    result = judge_answer("Hawija was taken on Oct. 5 [1][2].", passages, judge)
    assert result["citation_recall"] == 1.0
    assert result["citation_precision"] == 0.5  # [2] neither entails alone nor is needed
    assert result["sentences"][0]["irrelevant"] == [2]
    assert result["faithfulness"] == 1.0


def test_unsupported_and_uncited_sentences(judge):
    passages = {1: "Hawija was taken on Oct. 5 after 15 days."}
    result = judge_answer("Hawija was taken on Oct. 9 [1]. Tanks entered the town.", passages, judge)
    # The wrong date is caught by the fact guard; the uncited sentence fails ALCE recall.
    assert result["claims"][0]["by"] == "facts" and result["claims"][0]["missing"] == ["Oct. 9"]
    assert result["faithfulness"] == 0.0
    assert result["citation_recall"] == 0.0
    assert result["citation_precision"] == 0.0


def test_model_mode_has_no_fact_guard(base_settings, tmp_path):
    class YesJudge(SupportJudge):
        def ask_model(self, claim, passages):
            return True

    s = replace(base_settings, data_dir=tmp_path)
    claim, passages = "Hawija was taken on Oct. 9.", ["Hawija was taken on Oct. 5 after 15 days."]
    assert YesJudge(settings=s, mode="model").run(claim, passages).supported
    assert not YesJudge(settings=s, mode="guarded").run(claim, passages).supported


def test_verbatim_claims_need_no_model(judge):
    assert is_verbatim("Hawija was taken on Oct. 5", ["Iraqi forces said Hawija was taken on Oct. 5."])
    assert not is_verbatim("Hawija", ["Hawija was taken."])  # too short to mean anything
    assert (
        judge.run("Hawija was taken on Oct. 5.", ["So Hawija was taken on Oct. 5, they said."]).by
        == "verbatim"
    )
    assert judge.calls == 0


def test_verdicts_are_cached_on_disk(base_settings, tmp_path):
    settings = replace(base_settings, data_dir=tmp_path)
    calls = []

    class Counting(SupportJudge):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self._chat = SimpleNamespace(
                invoke=lambda m: calls.append(m) or SimpleNamespace(content='{"supported": true}')
            )

    Counting(settings=settings).ask_model("a claim", ["a passage"])
    again = Counting(settings=settings)
    assert again.ask_model("a claim", ["a passage"]) is True
    assert len(calls) == 1 and again.calls == 0
    (tmp_path / "judge_cache.jsonl").write_text('{"key": "cut sho')  # an interrupted write
    assert Counting(settings=settings).ask_model("a claim", ["a passage"]) is True


@pytest.mark.parametrize(
    "raw, verdict",
    [
        ('{"supported": true}', True),
        ('{"supported": false}', False),
        ("Yes.", True),
        ("No, not supported", False),
    ],
)
def test_verdict_parsing(raw, verdict):
    assert _parse_verdict(raw) is verdict


def test_calibration_scores_model_guard_and_judge(judge, tmp_path):
    path = tmp_path / "cal.jsonl"
    pairs = [
        {
            "id": "a",
            "passage": "Rawa fell on Nov. 17.",
            "claim": "Rawa fell on Nov. 17.",
            "supported": True,
            "kind": "v",
        },
        {
            "id": "b",
            "passage": "Rawa fell on Nov. 17. Qaim fell on Nov. 3.",
            "claim": "Rawa fell on Nov. 3.",
            "supported": False,
            "kind": "near_miss_date",
        },
        {
            "id": "c",
            "passage": "Rawa fell quickly.",
            "claim": "Rawa was captured.",
            "supported": True,
            "kind": "p",
        },
    ]
    path.write_text("\n".join(json.dumps(p) for p in pairs))
    result = calibrate(judge, load_pairs(path), progress=False)
    # The word rule says yes to the near miss (every word occurs); the guard can't see it
    # either (Nov. 3 is in the passage); the paraphrase fails the word rule.
    assert result["accuracy_model_alone"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert {e["id"] for e in result["errors"]} == {"b", "c"}
    assert result["by_kind"]["near_miss_date"]["judge"] == 0


def test_bad_calibration_file_is_one_line_error(tmp_path):
    path = tmp_path / "cal.jsonl"
    path.write_text('{"id": "a", "passage": "p", "claim": "c", "supported": "yes"}\n')
    with pytest.raises(ValueError, match=r"cal.jsonl:1: invalid calibration pair"):
        load_pairs(path)


def test_the_shipped_calibration_set_is_valid_and_verbatim():
    from rag.config import PROJECT_ROOT

    pairs = load_pairs(PROJECT_ROOT / "eval" / "calibration.jsonl")
    assert len(pairs) >= 60
    kinds = {p.kind for p in pairs}
    assert {"near_miss_date", "near_miss_number", "near_miss_place"} <= kinds
    assert 0.3 < sum(p.supported for p in pairs) / len(pairs) < 0.6
    for p in pairs:  # passages are quoted from the seeds, not invented
        assert p.passage in (PROJECT_ROOT / "seeds" / p.source).read_text(encoding="utf-8"), p.id


def _row(i, correct, abstained, faith, typ="date"):
    return {
        "id": f"q{i}",
        "type": typ,
        "question": "?",
        "answer": "A [1].",
        "kind": "answer",
        "correct": correct,
        "abstained": abstained,
        "faithfulness": faith,
        "citation_recall": faith,
        "citation_precision": faith,
        "judged_correct": correct,
        "judged": {"claims": [{"supported": bool(faith)}]} if faith is not None else None,
    }


def test_summary_thresholds_and_report(tmp_path):
    rows = [_row(1, True, False, 1.0), _row(2, False, False, 0.0), _row(3, None, True, None, "unanswerable")]
    summary = judged_summary(rows)
    assert summary["faithfulness"] == 0.5 and summary["answerable_judged_correct"] == 0.5
    assert summary["claims_judged"] == 2 and summary["claims_supported"] == 1
    report = {
        "created": "now",
        "set": "s.jsonl",
        "questions": 3,
        "model": "m",
        "calibration": {
            "judge": "j",
            "pairs": 60,
            "accuracy": 0.8,
            "true_positive_rate": 0.9,
            "true_negative_rate": 0.7,
        },
        "systems": {
            "ours": {
                "summary": {
                    **summary,
                    "answerable_correct": 0.5,
                    "by_type": {"date": {"n": 2, "correct": 1}},
                },
                "per_question": rows,
            },
            "baseline": {"summary": {"answerable_correct": 0.25, "by_type": {}}, "per_question": rows[:1]},
        },
    }
    report["phases_s"] = {"answering (ours)": 120.0, "judging (ours)": 60.0}
    limits = tmp_path / "t.json"
    limits.write_text(
        json.dumps({"answerable_correct": 0.6, "faithfulness": 0.4, "judge_calibration_accuracy": 0.75})
    )
    assert check_thresholds(report, limits) == ["answerable_correct = 0.5 is below 0.6"]
    md = write_report(report, tmp_path / "out")
    text = md.read_text()
    assert "| metric | ours | baseline |" in text and "agrees with the label 80.0%" in text
    assert "| q3 | unanswerable |" in text and "declined ✓" in text
    assert "answering (ours) 2.0 min, judging (ours) 1.0 min; 3.0 min in all" in text
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<script" not in html and (tmp_path / "out" / "headline.png").stat().st_size > 1000


def test_retrieval_scores_count_answer_bearing_passages_only():
    from rag.evaluate.items import EvalItem
    from rag.evaluate.retrieval import retrieval_scores

    item = EvalItem("q", "When?", "date", ["a.txt"], "Oct. 5", [["Oct. 5", "October 5"]])
    p = lambda src, text: SimpleNamespace(source=src, text=text)  # noqa: E731
    ranked = [p("a.txt", "Hawija, a town."), p("b.txt", "On Oct. 5."), p("a.txt", "Taken on October 5.")]
    s = retrieval_scores(ranked, item)
    assert s["recall@4"] == 1.0 and s["rr"] == pytest.approx(1 / 3)
    assert s["ndcg@4"] == pytest.approx(0.5)
    assert retrieval_scores(ranked[:2], item)["recall@4"] == 0.0
    assert retrieval_scores(ranked, replace(item, sources=[])) is None


def test_fact_guard_matches_names_across_apostrophes_and_flags_wrong_values():
    from rag.evaluate.grounding import missing_facts

    passage = "As of now, ISIS only holds two major towns in Iraq--Rawa and al-Qa’im. 1500 troops remain."
    assert missing_facts("ISIS holds Rawa and al-Qaim, with 1,500 troops.", passage) == []
    assert missing_facts("ISIS holds Rawa and Hawija, with 1,600 troops.", passage) == ["1600", "hawija"]


def test_context_faithfulness_judges_uncited_claims_against_everything_retrieved(judge):
    context = ["Hawija was taken on Oct. 5 after 15 days.", "Rawa fell in five hours."]
    # No markers at all, as the plain chain often writes: nothing is traceable to a citation...
    result = judge_answer("Hawija was taken on Oct. 5. Rawa fell in two days.", {}, judge, context=context)
    assert result["faithfulness"] == 0.0 and result["citation_recall"] == 0.0
    # ...but the first claim is in what it retrieved and the second is not.
    assert [c["in_context"] for c in result["claims"]] == [True, False]
    assert result["context_faithfulness"] == 0.5
    cited_only = judge_answer("Rawa fell in five hours [1].", {1: context[1]}, judge)
    assert cited_only["context_faithfulness"] is None


def test_an_interrupted_run_resumes_without_answering_again(base_settings, tmp_path, monkeypatch):
    import rag.factory
    from rag.evaluate.items import EvalItem
    from rag.evaluate.runner import answer_all
    from rag.types import Answer

    items = [EvalItem(f"q{i}", f"Question {i}?", "unanswerable", [], "", []) for i in range(1, 4)]
    asked: list[str] = []

    def fake_ask(question, history=None, settings=None):
        asked.append(question)
        if question == "Question 2?" and len(asked) == 2:
            raise KeyboardInterrupt  # the run is stopped during the second question
        return Answer(question=question, text="The articles don't say.", answerable=False, kind="abstain")

    monkeypatch.setattr(rag.factory, "ask", fake_ask)
    saved: list[list[dict]] = []
    with pytest.raises(KeyboardInterrupt):
        answer_all(items, base_settings, progress=False, save=lambda rows: saved.append(list(rows)))
    assert [r["id"] for r in saved[-1]] == ["q1"]

    done = {r["id"]: r for r in saved[-1]}
    rows = answer_all(items, base_settings, progress=False, done=done)
    assert [r["id"] for r in rows] == ["q1", "q2", "q3"]
    assert asked == ["Question 1?", "Question 2?", "Question 2?", "Question 3?"]  # q1 not asked again
    assert rows[0] is done["q1"] and all(r["abstained"] for r in rows)


@pytest.mark.parametrize("name", ["questions.jsonl", "heldout.jsonl", "heldout2.jsonl"])
def test_the_shipped_question_sets_are_answerable_as_written(name):
    from rag.config import PROJECT_ROOT
    from rag.evaluate.items import load_items
    from rag.text.normalise import fold

    items = load_items(PROJECT_ROOT / "eval" / name)
    types = {"single_fact", "number", "date", "multi_article", "contested", "follow_up", "unanswerable"}
    assert {i.type for i in items} == types and len({i.id for i in items}) == len(items)
    for item in items:
        seeds = PROJECT_ROOT / "seeds"
        text = fold(" ".join((seeds / s).read_text(encoding="utf-8") for s in item.sources))
        for fact in item.key_facts:  # every key fact is stated in a gold article
            assert any(fold(alt) in text for alt in fact), (item.id, fact)
        assert bool(item.sources) == item.answerable and bool(item.history) == (item.type == "follow_up")
    if name == "questions.jsonl":
        assert len(items) >= 60 and sum(not i.answerable for i in items) >= 10


def test_a_passage_dump_is_not_a_correct_answer_and_wrong_answers_are_counted():
    from rag.evaluate.items import EvalItem
    from rag.evaluate.report import form_lines
    from rag.evaluate.scoring import readable_limit, score_answer, summarise

    item = EvalItem("r1", "When did Hawija fall?", "date", ["a.txt"], "", [["Oct. 5"]], form="when")
    short = Answer("q", "Oct. 5 [1].", True, kind="answer")
    dump = Answer(
        "q", "Hawija fell on Oct. 5 [1]. " + "More words of the passage. " * 30, True, kind="answer"
    )
    assert readable_limit(item.key_facts) == 100 and readable_limit([["a"]] * 4) == 160
    rows = [score_answer(item, short), score_answer(item, dump)]
    assert rows[0]["correct"] and rows[0]["words"] == 2  # the [n] marker is no word
    assert rows[1]["key_facts_found"] == 1 and not rows[1]["readable"] and rows[1]["correct"] is False
    near_miss = EvalItem("u1", "How many live there?", "unanswerable", [], "", [])
    rows.append(score_answer(near_miss, Answer("q", "1500 [1].", True, kind="answer")))
    rows.append(score_answer(near_miss, Answer("q", "The articles don't say.", False, kind="abstain")))
    summary = summarise(rows)
    assert summary["answerable_too_long"] == 1 and summary["wrong_presented"] == 2
    assert summary["by_form"] == {"when": {"n": 2, "correct": 1, "declined": 0}}
    report = {"systems": {"ours": {"summary": summary}, "baseline": {"summary": {"by_form": {}}}}}
    assert "| when | 2 | 1 / 0 | – |" in form_lines(report)


def test_the_v05_system_answers_with_0_5s_readers_and_no_timeline(base_settings, monkeypatch):
    import rag.factory
    from rag.evaluate.items import EvalItem
    from rag.evaluate.runner import answer_all

    seen = []

    def fake_ask(question, history=None, settings=None):
        seen.append(settings)
        return Answer(question=question, text="The articles don't say.", answerable=False, kind="abstain")

    monkeypatch.setattr(rag.factory, "ask", fake_ask)
    items = [EvalItem("q1", "Which came first, Rawa or Hawija?", "unanswerable", [], "", [])]
    answer_all(items, base_settings, system="v05", progress=False)
    answer_all(items, base_settings, system="ours", progress=False)
    old, ours = seen
    assert (old.fact_reader, old.why_reader, old.open_reader, old.timeline_reader) == (
        "extract",
        "write",
        "write",
        "off",
    )
    assert (ours.fact_reader, ours.timeline_reader) == ("choice", "events")
