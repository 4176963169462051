"""The why/how readers with a fake chat model: the model can only choose among the top
sentences it was shown, and the answer is that sentence verbatim, cited."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from rag.answer.chooser import ChoosingReader, CoveredSentenceReader, TopSentenceReader, parse_choice
from rag.answer.compose import closest_decline, quote_answer
from rag.text.question import analyse
from rag.types import Answer
from tests.test_citations_and_verifier import _ev

USED = _ev(1, "Rawa was used by IS to move fighters, weapons and goods between Iraq and Syria.", "rawa.txt")
HOURS = _ev(2, "The operation to take back Rawa lasted five hours.", "rawa.txt")
QAIM = _ev(3, "On Nov. 3, Iraqi forces retook al-Qa’im, near the Syrian border.", "rawa.txt")
FLED = _ev(4, "Some of the fighters died while others fled toward the western Anbar desert.", "rawa.txt")
EVIDENCE = [QAIM, USED, FLED, HOURS]  # in passage order; ranked by score below
for ev, score in zip(EVIDENCE, (0.5, 0.9, 0.2, 0.7), strict=True):
    ev.score = score


def _reader(reply: dict, seen: list) -> ChoosingReader:
    def constrained(schema):
        seen.append(schema)
        model = FakeListChatModel(responses=[json.dumps(reply)])
        original = model.invoke

        def invoke(messages, *a, **kw):
            seen.append(messages)
            return original(messages, *a, **kw)

        object.__setattr__(model, "invoke", invoke)
        return model

    return ChoosingReader(constrained, candidates=3)


def test_the_model_chooses_among_the_top_three_by_score():
    seen: list = []
    chosen = _reader({"answers": True, "choice": 2}, seen).run("Why did Rawa matter to IS?", EVIDENCE)
    assert chosen is HOURS  # ranked USED (0.9), HOURS (0.7), QAIM (0.5): choice 2
    schema, messages = seen
    assert schema["properties"]["choice"]["enum"] == [1, 2, 3]
    assert list(schema["properties"]) == ["answers", "choice"]  # decide before choosing
    prompt = messages[-1].content
    assert "[1]" in prompt and USED.text in prompt and FLED.text not in prompt


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"answers": true, "choice": 3}', 3),
        ('{"answers": false, "choice": 1}', None),
        ('{"answers": true, "choice": 4}', None),  # not shown
        ('{"answers": true, "choice": true}', None),
        ('{"answers": true, "choi', None),
        ("not json", None),
    ],
)
def test_parse_choice(raw, expected):
    assert parse_choice(raw, 3) == expected


def test_none_of_them_is_a_decline_with_the_closest_passage():
    assert _reader({"answers": False, "choice": 1}, []).run("Why did Rawa matter?", EVIDENCE) is None
    q = analyse("Why did IS value Rawa?")
    a = closest_decline(Answer(q.text, "", False), q, EVIDENCE, "no candidate sentence says it")
    assert not a.answerable and a.kind == "quote" and a.text.startswith("The articles don't say.")
    assert a.checks[0].status == "dropped" and a.checks[-1].status == "closest"


def test_the_answer_is_the_sentence_verbatim_and_cited():
    a = quote_answer(Answer("Why?", "", False), USED, "chosen")
    assert a.answerable and a.kind == "quote" and a.text == f"The articles say: “{USED.text}” [1]"
    assert a.citations[0].quote == USED.text and a.checks[0].status == "quoted"


SAID = _ev(5, "“ISIS has lost 20 percent of its land,” said Hisham al-Hashimi, a specialist.", "a.txt")


def test_a_sentence_that_opens_with_a_quotation_is_quoted_once():
    q = analyse("How many fighters does ISIS have left?")
    quote = quote_answer(Answer(q.text, "", False), SAID, "chosen")
    closest = closest_decline(Answer(q.text, "", False), q, [SAID], "none")
    for a in (quote, closest):
        assert "““" not in a.text and "”.”" not in a.text
        assert "“‘ISIS has lost 20 percent of its land,’ said Hisham al-Hashimi, a specialist.”" in a.text
        assert a.citations[0].quote == SAID.text  # the source panel keeps the article's own quotes


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Rawa was retaken.", "“Rawa was retaken.”"),
        ("“We will win,” he said.", "“‘We will win,’ he said.”"),
        ("He called it “a victory”.", "“He called it ‘a victory’.”"),
        ('He said "soon" twice.', "“He said ‘soon’ twice.”"),
        ('A lone " mark', '“A lone " mark”'),  # unpaired straight quotes stay as written
        ("  It’s over.  ", "“It’s over.”"),
    ],
)
def test_quoted_nests_the_passages_own_quotes(text, shown):
    from rag.text.quoting import quoted

    assert quoted(text) == shown


def test_the_top_sentence_reader_needs_no_model():
    assert TopSentenceReader().run("Why?", EVIDENCE) is USED
    assert TopSentenceReader().run("Why?", []) is None


def test_an_open_question_gets_the_best_sentence_only_when_it_holds_the_questions_names():
    reader = CoveredSentenceReader(min_coverage=0.5)
    # USED ranks first and names Rawa: quoted.
    assert reader.run("What was Rawa used for by the militants?", EVIDENCE) is USED
    # A question about another town: the best sentence does not name it, so no quote.
    assert reader.run("What was al-Miqdadiya used for by the militants?", EVIDENCE) is None
    assert reader.run("What was Rawa used for?", []) is None
