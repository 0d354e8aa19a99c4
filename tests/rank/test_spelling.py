"""Spelling correction against an index's own vocabulary."""
from __future__ import annotations

from rag.rank.spelling import Vocabulary

TEXTS = [
    "Huawei and Meng Wanzhou: the extradition case is political.",
    "Meng Wanzhou was detained in Canada at the request of the US.",
    "Huawei is a private company; the extradition treaty was abused.",
    "The extradition of Meng Wanzhou must stop, said Hua Chunying.",
    "Hua Chunying answered on the protests in Hong Kong.",
    "Hong Kong affairs are China's internal affairs.",
]


def test_swapped_and_dropped_letters_are_corrected_names_spelled_as_the_corpus_does():
    c = Vocabulary(TEXTS).correct("Huawai Meng Wanzou extradtion")
    assert c.text == "Huawei Meng Wanzhou extradition"
    assert ("Wanzou", "Wanzhou") in c.changes
    assert c.not_found == ()


def test_a_word_the_index_uses_is_never_changed_even_near_a_frequent_one():
    v = Vocabulary(TEXTS + ["The treaty was signed.", "A treaty of friendship."])
    assert v.correct("treaty extradition").changes == ()
    # a stem the index knows is known too: "detaining" shares "detain" with "detained"
    assert v.correct("detaining Meng").changes == ()


def test_unknown_name_is_not_found_and_reported_as_a_name():
    c = Vocabulary(TEXTS).correct("What did China say about the AUKUS pact?")
    assert c.text == "What did China say about the AUKUS pact?"
    assert "AUKUS" in c.not_found and "AUKUS" in c.names_not_found
    assert "pact" in c.not_found and "pact" not in c.names_not_found


def test_quoted_words_are_searched_as_typed():
    c = Vocabulary(TEXTS).correct('"Huawai" extradtion')
    assert c.text == '"Huawai" extradition'
    assert [old for old, _ in c.changes] == ["extradtion"]


def test_rare_words_are_not_offered_as_corrections():
    v = Vocabulary(TEXTS + ["Zanzibar once."], min_count=2)
    assert v.correct("Zanzibra").changes == ()
    assert Vocabulary(TEXTS + ["Zanzibar once."], min_count=1).correct("Zanzibra").text \
        == "Zanzibar"


def test_words_in_kept_spans_are_left_as_typed():
    v = Vocabulary(TEXTS + ["We will skip the extradition hearing."])
    question = "What did Jen Sakip say about extradtion?"
    assert v.correct(question).text == "What did Jen Skip say about extradition?"
    start = question.index("Jen")
    kept = v.correct(question, keep=[(start, start + len("Jen Sakip"))])
    assert kept.text == "What did Jen Sakip say about extradition?"
    assert "Sakip" not in kept.not_found


def test_a_name_written_mostly_as_a_turn_label_is_shown_as_typed_not_shouted():
    labels = ["MR. KIRBY: Thanks.", "MR. KIRBY: Yes.", "MR. KIRBY: No.",
              "Kirby said the ships are in place.", "MS. PSAKI: NATO is united."]
    c = Vocabulary(labels, min_count=1).correct("Kirbyy on the ships")
    assert c.text == "Kirby on the ships"
    assert Vocabulary(labels, min_count=1).correct("KIRBYY on the ships").text == \
        "KIRBY on the ships"
