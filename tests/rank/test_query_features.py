"""Pasted quotes, spelling and close_match through Retriever.ask (seed index,
fake encoder)."""
from __future__ import annotations

from rag.rank.phrases import PHRASE_BOOST

SENTENCE = "Japan and China agreed to support each other in hosting the Olympics."


def _has(hit, text):
    return text in " ".join(hit.text.split())


def test_a_pasted_reply_sentence_finds_that_reply_first(retriever):
    for question in (SENTENCE, f'"{SENTENCE}"', f"“{SENTENCE}”"):
        answer = retriever.ask(question, k=3)
        assert _has(answer.hits[0], SENTENCE), question
        assert answer.close_match and answer.hits[0].close


def test_a_quote_cleaned_up_still_finds_its_reply_first(retriever):
    """A journalist's quote: the lead clause cut and a word left out (as a
    stutter is). No reply holds it word for word; the one holding most of
    its runs of words comes first, and is close."""
    full = ("Up to 100,000 people were trafficked into the US for forced labor annually over "
            "the past five years.")
    cleaned = "100,000 people were trafficked into the US for labor annually over the past five years"
    for question in (cleaned, f'"{cleaned}"'):
        answer = retriever.ask(question, k=3)
        assert _has(answer.hits[0], full), question
        assert answer.close_match and answer.hits[0].close and answer.not_found == ()
        # ranked as a reply holding the phrase is (PHRASE_BOOST), not by its words alone
        assert answer.hits[0].score >= PHRASE_BOOST > answer.hits[1].score


def test_near_verbatim_needs_most_of_the_runs_and_is_kept_off_questions():
    from rag.rank.phrases import may_be_a_quote, nearly_holds, phrase_words, shingles
    words = phrase_words("we have seen gas prices rise by two dollars per gallon")
    assert shingles(["a", "b", "c", "d"]) == [("a", "b", "c"), ("b", "c", "d")]
    texts = {1: "We have seen gas prices rise by — by two dollars per gallon.",   # a stutter
             2: "Gas prices rise in the summer; we have seen it before.",         # the words only
             3: "We have seen gas prices fall."}
    assert nearly_holds(words, texts) == [1]
    assert may_be_a_quote("we have seen gas prices rise by two dollars per gallon.", False)
    assert not may_be_a_quote("What did Kirby say about gas prices rising by two dollars?", False)
    assert not may_be_a_quote("gas prices rise by two dollars per gallon?", False)
    assert may_be_a_quote("What did Kirby say about gas prices", True)   # quoted: always


def test_a_pasted_sentence_of_a_reporters_question_finds_that_exchange_first(retriever):
    """No reply holds it: the exchange whose question does comes first (a
    journalist remembers what was asked as often as what was answered)."""
    asked = "Could you share more with us and tell us the follow-up measures"
    for question in (asked, f'"{asked}"'):
        answer = retriever.ask(question, k=3)
        assert asked in (answer.hits[0].question or ""), question
        assert answer.hits[0].questioner == "Dragon TV" and answer.close_match


def test_a_quoted_phrase_inside_a_question_ranks_its_replies_first(retriever):
    answer = retriever.ask('who said "trustworthy partner for cooperation"?', k=3)
    assert _has(answer.hits[0], "trustworthy partner for cooperation")


def test_a_pasted_sentence_is_not_read_for_filters(retriever):
    # "to MASTV" would be read as "asked by MASTV" in a question of the user's own
    answer = retriever.ask("Japan and China agreed to support each other, as told to MASTV",
                           k=3)
    assert answer.understood == () or all("questioner" not in n for n in answer.understood) \
        or not _has(answer.hits[0], SENTENCE)


def test_a_quoted_phrase_no_passage_holds_is_said_and_no_reply_is_close(retriever):
    answer = retriever.ask('What did Zhao Lijian say about "Olympics of fifteen minutes"?', k=3)
    assert answer.close_match is False and not any(h.close for h in answer.hits)
    assert "Olympics of fifteen minutes" in answer.not_found
    assert answer.hits    # the nearest replies still follow
    found = retriever.ask('What did he say about "hosting the Olympics"?', k=3)
    assert found.close_match and "hosting the Olympics" not in found.not_found


def test_words_inside_quotes_are_never_read_as_filters(retriever):
    # found or not, a quote is the words someone said: "told to MASTV" inside
    # it names no questioner to keep the search to
    for question in ('"agreed to support each other, as told to MASTV"',
                     '"a promise told to MASTV in the spring"'):
        answer = retriever.ask(question, k=3)
        assert not any(n.startswith("questioner") for n in answer.understood), question


def test_mistyped_words_are_corrected_and_shown(retriever):
    answer = retriever.ask("Japanese athletes at the Paralmypics", k=1)
    assert answer.searched_for == "Japanese athletes at the Paralympics"
    typed_right = retriever.ask("Japanese athletes at the Paralympics", k=1)
    assert [h.passage_id for h in answer.hits] == [h.passage_id for h in typed_right.hits]
    assert retriever.ask("Japanese athletes at the Paralympics", k=1).searched_for is None


def test_a_question_about_what_the_index_never_mentions_is_no_close_match(retriever):
    answer = retriever.ask("What did China say about the AUKUS pact with Australia?", k=3)
    assert answer.close_match is False
    assert "AUKUS" in answer.not_found
    assert answer.hits and not any(h.close for h in answer.hits)   # still the nearest replies


def test_a_period_the_index_holds_no_conference_in_is_no_close_match(retriever):
    answer = retriever.ask("What did China say about the Winter Olympics in August 2022?", k=3)
    assert answer.close_match is False
    assert "August 2022" in " ".join(answer.not_found)
    assert answer.hits                      # the nearest replies are still shown


def test_an_event_before_the_index_begins_is_no_evidence_of_absence(retriever):
    # the seed index holds 2021-12-24 only: "the 2008 Beijing Olympics" dates the
    # event, not a reply, and replies come after the events they answer; a
    # period after the index's start with no conference in it still counts
    before = retriever.ask("What did China say about the legacy of the 2008 Beijing Olympics?", k=3)
    assert not any("2008" in w for w in before.not_found)
    after = retriever.ask("What did China say about the Winter Olympics of August 2022?", k=3)
    assert any("2022" in w for w in after.not_found)


def test_an_outlet_or_spokesperson_named_is_a_known_name_not_a_word_not_found(retriever):
    """Outlets and spokespersons are turn labels, not reply text: naming them is
    no sign the index lacks what is asked (they are the search's filters)."""
    for question, field, name in (
            ("What did they tell TASS about Putin?", "questioner", "TASS"),
            ("What did they tell Bloomberg about Taiwan?", "questioner", "Bloomberg"),
            ("What did Zhao Lijian say about Putin?", "spokesperson", "Zhao Lijian")):
        answer = retriever.ask(question, k=3)
        assert not set(name.split()) & set(answer.not_found), (question, answer.not_found)
        assert answer.searched_for is None                  # nor "corrected" into something else
        assert getattr(answer.hits[0], field) == name
        # kept to one person, the search is judged by its names, not by the score
        # of the few words left ("about Putin"): the reply asked about is close
        assert answer.close_match and answer.hits[0].close, question


def test_a_search_kept_to_one_questioner_is_still_no_close_match_for_an_unknown_name(retriever):
    answer = retriever.ask("What did they tell TASS about the AUKUS pact?", k=3)
    assert answer.close_match is False and "AUKUS" in answer.not_found
    assert answer.hits and answer.hits[0].questioner == "TASS"   # the nearest, still shown


def test_a_search_kept_to_one_questioner_is_no_close_match_when_no_reply_names_its_topic(retriever):
    """"Lithuania" is a name the index knows, but the one reply to TASS never
    mentions it: that reply is the nearest, not an answer."""
    off = retriever.ask("What did they tell TASS about Lithuania?", k=3)
    assert [h.questioner for h in off.hits] == ["TASS"]
    assert off.close_match is False and not off.hits[0].close
    on = retriever.ask("What did they tell TASS about Putin?", k=3)
    assert on.close_match and on.hits[0].close


def test_a_quote_with_its_contractions_spelt_the_other_way_finds_its_reply(tmp_path, encoder):
    """"we do not have" quoted from a reply that says "we don't have", and
    "they're" for "they are": the same words to a journalist."""
    import datetime as dt

    from transcripts import conference

    from rag import Retriever
    said = ("We don’t have any information on the visit at the moment, and they are "
            "still studying the proposal.")
    other = "We have no information to release on the matter at the moment."
    path = conference(tmp_path / "src", dt.date(2020, 3, 2),
                      [("AFP", "Will the minister visit Nepal?", said),
                       ("Reuters", "Any plan for the summit?", other)])
    r = Retriever.open(tmp_path / "index", encoder=encoder)
    assert r.ingest([path]).ok
    for typed in ('"we do not have any information on the visit"',
                  '"they\'re still studying the proposal"',
                  "We do not have any information on the visit at the moment, and they're "
                  "still studying the proposal."):
        answer = r.ask(typed, k=2)
        assert said in answer.hits[0].text, typed
        assert answer.close_match and answer.not_found == (), typed
    # a quote no reply holds in either spelling is still said to be absent
    assert r.ask('"we do not have any information on the treaty"', k=2).not_found
    r.close()


def test_contraction_forms_spell_each_one_both_ways():
    from rag.rank.phrases import MAX_FORMS, contraction_forms, phrase_words
    assert contraction_forms(phrase_words("we do not know")) == [
        ["we", "do", "not", "know"], ["we", "don", "t", "know"]]
    assert ["they", "are", "here"] in contraction_forms(phrase_words("they're here"))
    assert ["can", "t", "go"] in contraction_forms(phrase_words("cannot go"))
    assert contraction_forms(["China", "will", "act"]) == [["China", "will", "act"]]
    many = contraction_forms(phrase_words("we do not, they do not, you do not, I do not"))
    assert len(many) == MAX_FORMS and many[0] == phrase_words("we do not, they do not, you do not, I do not")
