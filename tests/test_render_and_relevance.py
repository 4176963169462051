"""UI rendering escapes document text; the answer-level relevance check."""

from __future__ import annotations

import html

from rag.answer.relevance import RelevanceCheck
from rag.types import Answer, Citation, SentenceCheck
from rag.ui.render import answer_markdown, sources_html
from tests.test_citations_and_verifier import EVIDENCE, _ev


def test_document_text_is_escaped_in_sources():
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)> Rawa fell."
    c = Citation(1, "evil.html", "<b>Title</b>", None, "Rawa fell.", "evil:1", 0, 10, evil)
    a = Answer(
        "q?",
        "Rawa fell [1].",
        True,
        citations=[c],
        checks=[SentenceCheck("x <i>y</i>", [], "dropped", "because <b>")],
    )
    out = sources_html(a, 1)
    assert "<script>" not in out and "<img" not in out and "<b>Title" not in out
    assert "&lt;script&gt;" in out and "<mark class='quote'>Rawa fell.</mark>" in out
    assert "id='src-1-1'" in out and "publication date not given" in out
    assert "x &lt;i&gt;y&lt;/i&gt;" in out


def test_answer_markdown_links_markers_and_marks_abstention():
    md = answer_markdown("Hawija fell on Oct. 5 [1][2].", 3)
    assert '<a href="#src-3-1" class="cite">[1]</a>' in md and "#src-3-2" in md
    assert "<script>" not in answer_markdown("<script>x</script> [1]", 1)
    assert 'class="abstain"' in answer_markdown("The articles don't say.", 1, "abstain")
    assert "Quoted from the article" in answer_markdown("“x” [1]", 1, "quote")
    assert 'class="abstain"' in answer_markdown("closest: “x” [1]", 1, "quote", answerable=False)


def test_addresses_requires_the_question_subject():
    v = RelevanceCheck()
    ok, _ = v.run("When was Hawija taken from ISIS?", [EVIDENCE[2]])
    assert ok
    ok, why = v.run("How many civilians were killed in the battle for Mosul?", [EVIDENCE[2]])
    assert not ok and "mosul" in why
    ok, why = v.run("Who won the 2018 Iraqi parliamentary election?", [EVIDENCE[2]])
    assert not ok and "election" in why


def test_addresses_reads_the_previous_sentence():
    ev = _ev(7, "50,000 civilians remain in the two towns as well.", "004.txt")
    v = RelevanceCheck()
    assert not v.run("How many civilians remained in al-Qaim and Rawa?", [ev])[0]
    ev.context = "Iraqi forces attacked the border towns of al-Qaim and Rawa."
    assert v.run("How many civilians remained in al-Qaim and Rawa?", [ev])[0]


def test_answer_must_give_the_type_asked_for():
    v = RelevanceCheck()
    q = "When was Hawija taken from ISIS?"
    ok, why = v.run(q, [EVIDENCE[2]], "Hawija was taken from ISIS after 15 days of fighting.")
    assert not ok and "date" in why
    assert v.run(q, [EVIDENCE[2]], "Hawija was taken from ISIS on Oct. 5.")[0]
    ok, why = v.run(
        "How many days did the fighting for Hawija last?",
        [EVIDENCE[2]],
        "Hawija was the last urban stronghold of ISIS.",
    )
    assert not ok and "number" in why


def test_a_number_must_count_what_was_asked():
    v = RelevanceCheck()
    towns = _ev(8, "As of now, ISIS only holds two major towns in Iraq--Rawa and al-Qa’im.", "000.txt")
    ok, why = v.run("How many civilians remained in al-Qaim and Rawa?", [towns], towns.text)
    assert not ok and "civilian" in why
    assert v.run("How many ISIS troops remained in the al-Qaim area?", [EVIDENCE[5]], EVIDENCE[5].text)[0]


def test_who_question_needs_a_new_name():
    v = RelevanceCheck()
    title = _ev(9, "ISIS is About to be Ousted from Iraq", "000.txt")
    ok, why = v.run("Who wrote the article about ISIS being ousted from Iraq?", [title], title.text)
    assert not ok and "name" in why
    talibawi = _ev(
        10,
        "On Oct. 9, Javad Talibawi, the spokesperson for the Popular Mobilization "
        "Forces, announced a new campaign.",
        "000.txt",
    )
    assert v.run(
        "Who is the spokesperson for the Popular Mobilization Forces?",
        [talibawi],
        "Javad Talibawi is the spokesperson for the Popular Mobilization Forces.",
    )[0]


def test_eval_tab_opens_on_the_latest_held_out_first_run_then_own_runs_then_development(
    base_settings, tmp_path
):
    import os
    from dataclasses import replace

    from rag.ui.reports import report_choices, show_report

    settings = replace(base_settings, data_dir=tmp_path)
    shipped = report_choices(settings)  # a fresh data folder: the shipped reports only
    assert [r.folder.name for r in shipped] == [
        "heldout8-first-run",
        "heldout7-first-run",
        "heldout6-first-run",
        "heldout5-first-run",
        "heldout4-first-run",
        "heldout3-first-run",
        "heldout2",
        "heldout-first-run",
        "eval",
    ]
    assert [r.kind for r in shipped] == ["held-out first run"] * 8 + ["development"]
    assert shipped[0].label.startswith("held-out first run: Held-out set 8")
    assert shipped[-1].label.startswith("development: Main set")
    text, plots = show_report(shipped[0])  # what the tab opens on
    assert text.startswith("**Shipped report, held-out first run**") and "commit `dc9a408`" in text
    assert "eval/heldout8.jsonl" in text and "| answerable questions correct (key facts) | 0.596 |" in text
    assert "![" not in text and any(p.endswith("headline.png") for p in plots)
    text, _ = show_report(shipped[-1])
    assert text.startswith("**Shipped report, development**") and "commit `dc1637f`" in text
    assert "| answerable questions correct (key facts) | 0.759 |" in text
    for name, stamp in (("zz-older", 1_000_000), ("aa-newer", 2_000_000)):
        run = settings.reports_dir / name
        run.mkdir(parents=True)
        (run / "report.md").write_text(f"# {name}\n![plot](headline.png)\n")
        (run / "headline.png").write_bytes(b"png")
        os.utime(run, (stamp, stamp))
    (settings.reports_dir / "empty-run").mkdir()  # a run stopped before its report: not listed
    refs = report_choices(settings)
    assert [r.folder.name for r in refs[8:10]] == ["aa-newer", "zz-older"] and len(refs) == 2 + len(shipped)
    assert refs[0] == shipped[0] and refs[-1] == shipped[-1]
    text, plots = show_report(refs[8])
    assert text.startswith("Your run `aa-newer`") and "![" not in text
    assert plots == [str(settings.reports_dir / "aa-newer" / "headline.png")]
    assert show_report(None)[0].startswith("No evaluation report yet")


def test_every_shipped_report_is_listed_and_held_out_runs_are_newest_first():
    import json

    from rag.ui.reports import SHIPPED_MANIFEST, shipped_reports

    entries = json.loads(SHIPPED_MANIFEST.read_text(encoding="utf-8"))
    assert len(shipped_reports()) == len(entries)  # none points at a missing report
    held = [e["run"] for e in entries if e["kind"] == "held-out first run"]
    assert held == sorted(held, reverse=True)
    kinds = [e["kind"] for e in entries]
    assert kinds == sorted(kinds, key=lambda k: k != "held-out first run")  # held-out ones first


def test_a_leading_auxiliary_verb_is_not_the_question_subject():
    ev = _ev(9, "Doing so has increased the pace of liberation and probably saved thousands of lives.")
    ev.context = "Both the Iraqis and the United States changed the rules of engagement."
    ok, why = RelevanceCheck().run("Did changing the rules of engagement save lives?", [ev])
    assert ok, why


def test_a_spelling_variant_group_is_a_new_name_unless_the_question_has_it():
    from rag.text.question import analyse

    said = "The Syrian Kurds are backed by the United States."
    assert analyse("Who backs the Syrian Kurds?").has_wanted_type(said)
    assert not analyse("Who commanded the Islamic State fighters in Rawa?").has_wanted_type(
        "ISIS holds Rawa."
    )


def test_the_subject_may_be_named_in_the_next_or_previous_sentence():
    v = RelevanceCheck()
    quote = _ev(10, "“Isis is not the root cause of Iraq’s problems, it’s a symptom of it.”", "002.txt")
    q = "According to Andreas Krieg, what is ISIS a symptom of?"
    assert not v.run(q, [quote])[0]
    quote.following = "Dr Andreas Krieg of King’s College London told The Independent."
    assert v.run(q, [quote])[0]
    # Only a quotation borrows its subject from the next sentence.
    towns = _ev(11, "As of now, ISIS only holds two major towns in Iraq--Rawa and al-Qa’im.", "000.txt")
    towns.following = "The PMF announced a campaign along the border with Syria."
    ok, why = v.run("Which city was the last major ISIS holding in Syria?", [towns])
    assert not ok and "syria" in why


def test_a_quote_offered_as_the_answer_must_say_what_is_asked_itself():
    v = RelevanceCheck(min_coverage=0.75)
    q = "What was the name of the operation to retake Mosul?"
    right = _ev(11, "Operation Inherent Resolve to retake Mosul began in October 2016.", "002.txt")
    wrong = _ev(12, "While the struggle for Mosul has almost reached its end, militants cling on.", "002.txt")
    wrong.context = right.text  # same paragraph: its words are not the quote's
    assert v.run(q, [right], right.text, allow_paraphrase=False)[0]
    ok, why = v.run(q, [wrong], wrong.text, allow_paraphrase=False)
    assert not ok and "operation" in why


def test_evidence_keeps_the_next_sentence_but_not_the_previous_paragraph():
    from rag.answer.evidence import EvidenceSelector
    from rag.types import Passage

    class Flat:  # every sentence equally similar: the order of the text decides nothing here
        def embed_query(self, text):
            return [1.0, 0.0]

        def embed_documents(self, texts):
            return [[1.0, 0.0] for _ in texts]

    text = (
        "The operation to take back Rawa lasted five hours.\n\n"
        "The Prime Minister congratulated the forces after the operation.\n\n"
        "Coalition forces supported the operations."
    )
    p = Passage(chunk_id="c", source="003.txt", title="T", date=None, text=text, start=0, end=len(text))
    ev = {e.text: e for e in EvidenceSelector(Flat(), max_sentences=5).run("operation", [p])}
    middle = ev["The Prime Minister congratulated the forces after the operation."]
    assert middle.context == ""  # another paragraph's subject is not this sentence's
    assert middle.following == "Coalition forces supported the operations."


def test_user_and_model_text_cannot_become_markup():
    from rag.ui.render import plain_markdown

    hostile = "See [the mayor](http://evil.example/x) <script>alert(1)</script> **loud** www.evil.example # h"
    out = answer_markdown(hostile + " [1].", turn=2)
    assert '<a href="#src-2-1" class="cite">[1]</a>' in out
    rest = out.replace('<a href="#src-2-1" class="cite">[1]</a>', "")
    for markup in ("<script", "](", "[the", "**", "http://", "www.", "<a "):
        assert markup not in rest, markup
    assert html.unescape(rest) == hostile + " ."  # every character is still there, as text
    q = plain_markdown("Who? <img src=x onerror=alert(1)> [x](https://e.example)")
    assert "<img" not in q and "](" not in q and "https://" not in q


def test_escaping_is_one_pass_so_every_character_comes_back():
    """Escaping twice turned an apostrophe into a literal "&#x27;" in the chat (0.5)."""
    from rag.ui.render import plain_markdown

    for text in ("Hawija's fall", 'a "b" & c', "5 < 7 > 2 <b>x</b>", "Café — العراق", "&amp; &#39;"):
        out = plain_markdown(text)
        assert "<" not in out and html.unescape(out) == text, out
    assert plain_markdown("don't") == "don't"  # quotes need no entity in text


def test_example_questions_about_titles_quote_a_quoted_title_once(base_settings, monkeypatch):
    import rag.ui.panels as panels

    docs = [{"source": "a.txt", "title": '"Mosul is free," says PM …'}, {"source": "b.txt", "title": "Rawa"}]
    monkeypatch.setattr(panels, "list_documents", lambda settings: docs)
    assert panels.example_questions(base_settings) == [
        "What does the article “‘Mosul is free,’ says PM” report?",
        "What does the article “Rawa” report?",
    ]
