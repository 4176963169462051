"""Citation parsing and sentence verification with fixed model output (no LLM)."""

from __future__ import annotations

import pytest

from rag.answer.citations import CitationNumberer
from rag.answer.draft import parse_draft
from rag.answer.verifier import Verifier
from rag.text.facts import extract_facts
from rag.text.markers import strip_markers, with_markers
from rag.text.sentences import split_sentences
from rag.types import DraftSentence, EvidenceSentence, Passage


def _ev(
    n: int, text: str, source: str = "a.txt", title: str = "Article A", date: str | None = None
) -> EvidenceSentence:
    p = Passage(
        chunk_id=f"{source}:{n}",
        source=source,
        title=title,
        date=date,
        text=text,
        start=100 * n,
        end=100 * n + len(text),
    )
    return EvidenceSentence(n, text, p, p.start, p.end)


EVIDENCE = [
    _ev(
        1,
        "Iraqi forces backed by the U.S.-led coalition recaptured Rawa, the last urban area "
        "in Iraq held by the Islamic State (IS).",
        "003.txt",
        "Rawa recaptured",
    ),
    _ev(
        2,
        "On November 3rd, Iraqi security forces retook al-Qaim district, Islamic State’s last "
        "main stronghold in the country.",
        "003.txt",
        "Rawa recaptured",
    ),
    _ev(
        3,
        "Combined Iraqi Forces and Pro-Iraq militias announced Oct. 5 that Hawija, the last "
        "urban stronghold of ISIS in Iraq, was taken from the terrorist group after only 15 "
        "days of fighting.",
        "000.txt",
        "ISIS is About to be Ousted from Iraq",
        "2017-10-10",
    ),
    _ev(
        4,
        "The attempts to defeat ISIS over the last few months were repeatedly interfered with "
        "by the U.S. military, who allegedly supplied ISIS with weapons and missiles.",
        "002.txt",
        "Iraqi Army Drive ISIS Out Of Iraq Despite U.S. Collusion",
    ),
    _ev(
        5,
        "Iraqi forces have claimed victory over ISIS after their elite special troops destroyed "
        "a key compound belonging to the Islamic State on Thursday afternoon.",
        "005.txt",
        "Victory",
        "2017-07-13",
    ),
    _ev(
        6,
        "ISIS is thought to have 1500 remaining troops in the al-Qaim area.",
        "004.txt",
        "Offensive",
        "2017-10-26",
    ),
]


@pytest.fixture(scope="module")
def verifier():
    return Verifier()  # lexical checks only; the embedding fallback is exercised end to end


def test_parse_json_draft():
    d = parse_draft(
        '{"answerable": true, "sentences": [{"text": "Hawija fell on Oct. 5 [3].",'
        ' "cites": [3]}, {"text": "It took 15 days.", "cites": "3, 6"}]}'
    )
    assert d.answerable and [s.cites for s in d.sentences] == [[3], [3, 6]]
    assert d.sentences[0].text == "Hawija fell on Oct. 5."


def test_parse_partial_and_prose_and_refusal():
    partial = parse_draft('{"answerable": true, "sentences": [{"text": "Hawija fell', partial=True)
    assert partial.answerable and not partial.complete
    prose = parse_draft("Hawija fell on Oct. 5 [3]. It took 15 days [3][6].")
    assert [s.cites for s in prose.sentences] == [[3], [3, 6]]
    assert parse_draft('{"answerable": false, "sentences": []}').answerable is False
    assert parse_draft('```json\n{"answerable": false}\n```').answerable is False


def test_markers():
    assert strip_markers("Rawa fell [1, 2] quickly [3].") == ("Rawa fell quickly.", [1, 2, 3])
    assert with_markers("Hawija fell on Oct. 5.", [1, 2]) == "Hawija fell on Oct. 5 [1][2]."
    assert with_markers("No final stop", [4]) == "No final stop [4]."
    assert with_markers("Trailing comma,", [2]) == "Trailing comma [2]."


def test_numberer_renumbers_in_order_of_use():
    numberer = CitationNumberer()
    assert [numberer.number(EVIDENCE[5]), numberer.number(EVIDENCE[2]), numberer.number(EVIDENCE[5])] == [
        1,
        2,
        1,
    ]
    assert numberer.citations[0].quote == EVIDENCE[5].text
    assert numberer.citations[1].date == "2017-10-10"


def test_split_sentences_keeps_abbreviations():
    text = "Forces announced Oct. 5 that Hawija fell. The U.S. Army helped. Dr. Krieg spoke."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Forces announced Oct. 5 that Hawija fell.",
        "The U.S. Army helped.",
        "Dr. Krieg spoke.",
    ]


def test_extract_facts():
    f = extract_facts("On November 3rd, 2017 about 1,500 fighters and five tanks left al-Qaim.")
    assert f.dates == {(11, 3)} and f.years == {2017} and f.numbers == {1500.0, 5.0}
    assert "al qaim" in f.names


def test_correct_sentence_is_verified(verifier):
    v = verifier.run(
        DraftSentence("Hawija was taken from ISIS on Oct. 5 after 15 days of fighting.", [3]),
        EVIDENCE,
        "When was Hawija taken from ISIS?",
    )
    assert v.status == "verified", v.reason


def test_borrowed_date_is_dropped(verifier):
    # Rawa's date is not in any article; November 3rd belongs to al-Qaim.
    v = verifier.run(
        DraftSentence("Rawa was retaken on November 3.", [2]), EVIDENCE, "When was Rawa retaken?"
    )
    assert v.status == "dropped" and "not stated about rawa" in v.reason
    # Citing both sentences doesn't launder it either.
    v = verifier.run(
        DraftSentence("Rawa was retaken on November 3.", [1, 2]), EVIDENCE, "When was Rawa retaken?"
    )
    assert v.status == "dropped"


def test_invented_number_is_dropped(verifier):
    v = verifier.run(
        DraftSentence("The brigade had 10 tanks.", [3]), EVIDENCE, "How many tanks did the brigade have?"
    )
    assert v.status == "dropped" and "number 10" in v.reason


def test_invented_name_is_dropped(verifier):
    v = verifier.run(DraftSentence("General Smith recaptured Rawa.", [1]), EVIDENCE, "Who recaptured Rawa?")
    assert v.status == "dropped" and "smith" in v.reason


def test_invented_name_as_first_word_is_not_mistaken_for_a_capitalised_word(verifier):
    evidence = [
        _ev(
            1,
            "ISIS still has control of parts of Syria, with the besieged city of Dier ez Zor being "
            "their last major holding.",
            "004.txt",
            "Offensive",
            "2017-10-26",
        ),
        _ev(2, "ISIS is thought to have 1500 remaining troops in the al-Qaim area.", "004.txt", "Offensive"),
    ]
    q = "Which city was the last major ISIS holding in Syria?"
    # Neither evidence sentence names a Mosul: the first word is the invented answer.
    v = verifier.run(DraftSentence("Mosul was the last major ISIS holding in Syria.", [1]), evidence, q)
    assert v.status == "dropped" and "mosul" in v.reason
    ok = DraftSentence("Dier ez Zor was the last major ISIS holding in Syria.", [1])
    assert verifier.run(ok, evidence, q).status == "verified"
    # An adverb, or a word the evidence writes in lower case, is still just capitalised by position.
    for text in ("Approximately 1500 troops remained in al-Qaim.", "Remaining troops numbered 1500."):
        v = verifier.run(DraftSentence(text, [2]), evidence, "How many troops remained?")
        assert v.status == "verified", v


def test_wrong_citation_is_repaired(verifier):
    v = verifier.run(
        DraftSentence("ISIS had 1500 troops left in the al-Qaim area.", [2]),
        EVIDENCE,
        "How many ISIS troops remained near al-Qaim?",
    )
    assert v.status == "repaired" and v.cites == [6]


def test_citation_out_of_range_without_support_is_dropped(verifier):
    v = verifier.run(DraftSentence("Mosul fell in July.", [9]), EVIDENCE, "When did Mosul fall?")
    assert v.status == "dropped" and "not given" in v.reason


def test_allegation_is_attributed(verifier):
    v = verifier.run(
        DraftSentence("The U.S. military supplied ISIS with weapons and missiles.", [4]),
        EVIDENCE,
        "Did the U.S. supply ISIS with weapons?",
    )
    assert v.status == "verified"
    assert v.text.startswith('According to "Iraqi Army Drive ISIS Out Of Iraq Despite U.S. Collusion", ')
    # Already attributed: left alone.
    v = verifier.run(
        DraftSentence("The article claims the U.S. military allegedly supplied ISIS with weapons.", [4]),
        EVIDENCE,
        "Did the U.S. arm ISIS?",
    )
    assert v.text.startswith("The article claims")


def test_weekday_resolves_against_publication_date(verifier):
    # 2017-07-13 was a Thursday: "on Thursday" in that article is July 13.
    v = verifier.run(
        DraftSentence("Special troops destroyed a key ISIS compound on July 13.", [5]),
        EVIDENCE,
        "When was the compound destroyed?",
    )
    assert v.status == "verified", v.reason
    v = verifier.run(
        DraftSentence("Special troops destroyed a key ISIS compound on July 12.", [5]),
        EVIDENCE,
        "When was the compound destroyed?",
    )
    assert v.status == "dropped"


def test_publication_date_supports_as_of(verifier):
    v = verifier.run(
        DraftSentence("As of October 26, 2017, ISIS had 1500 troops in the al-Qaim area.", [6]),
        EVIDENCE,
        "How many ISIS troops were near al-Qaim?",
    )
    assert v.status == "verified", v.reason


def test_gap_statement_is_kept_without_citation(verifier):
    v = verifier.run(
        DraftSentence("The articles do not give the exact date Rawa was retaken.", []),
        EVIDENCE,
        "When was Rawa retaken?",
    )
    assert v.status == "gap"
    v = verifier.run(
        DraftSentence("The articles do not say, but it was November 3.", []),
        EVIDENCE,
        "When was Rawa retaken?",
    )
    assert v.status == "dropped"


def test_alias_isis_islamic_state(verifier):
    v = verifier.run(
        DraftSentence("Islamic State lost Hawija on Oct. 5.", [3]), EVIDENCE, "When did ISIS lose Hawija?"
    )
    assert v.status == "verified", v.reason
