"""The presscon web chat: a thin Gradio layer over ``rag.Retriever``.

    python app.py [--index DIR] [--host 127.0.0.1] [--port 7860]
    presscon serve [--index DIR] [--host 127.0.0.1] [--port 7860]

Every answer is the spokesperson's replies verbatim, each with its citation;
formatting lives in ``rag.present.chat`` and retrieval in ``rag.retriever``.
On first start with an empty index, the bundled ``data/`` is ingested.

Programmatic use (``gradio_client``)::

    from gradio_client import Client
    c = Client("http://127.0.0.1:7860/")
    # question, k, questioner, spokesperson, date_from, date_to[, literal[, publisher]]
    out = c.predict("Lithuania customs", 5, "", "", "", "", api_name="/ask")
    out["hits"][0]["citation"], out["hits"][0]["text"], out["understood"], out["html"]
    # one publisher's conferences only ("" for any; see out["hits"][i]["publisher"])
    c.predict("Olympics", 5, "", "", "", "", False, "The White House", api_name="/ask")
    # the same arguments: replies per month, earliest/latest reply, outlets, citations
    a = c.predict("Lithuania customs", 5, "", "", "", "", api_name="/analyse")
    a["timeline"], a["answer_change"], a["questioners"], a["citations_csv"]
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

# Before gradio is imported anywhere: no analytics, no version check, no telemetry.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Gradio's queue rebuilds a pandas table of its last (10,000) events after every request
# for its local timing statistics: ~10 ms of CPU per answer on a long-running server.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "50")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "2000")

if TYPE_CHECKING:  # pragma: no cover
    import gradio as gr
    from rag import Retriever

DATA_DIR = Path(__file__).parent / "data"
MAX_PASSAGES = 20            # the slider's top; the API takes up to the retriever's limit
# Searches running at once, shared by the chat and /ask. A search is CPU-bound (the
# query's embedding), so more than one per core only adds waiting: measured on 2 cores,
# 20 clients, a limit of 2 gave a lower p95 than 8 at the same throughput.
CONCURRENCY_LIMIT = min(8, max(2, os.cpu_count() or 2))
QUEUE_MAX_SIZE = 256         # waiting requests beyond this are refused, not piled up
HISTORY_TURNS = 20           # question/answer pairs kept in a chat

log = logging.getLogger("presscon.app")

# The endpoints' shared core (no gradio) is rag/present/answers.py; ``analyse``
# is part of this module's Python interface too.
from rag.present.answers import (DEFAULT_PASSAGES, analyse, analysis_hits,  # noqa: E402,F401
                                 search_answer)


@contextlib.contextmanager
def _api_errors(what: str, question: str) -> Iterator[None]:
    """API endpoints: a user's mistake comes back as its message; anything
    else is logged here and shown without internals."""
    import gradio as gr

    from rag.errors import PressconError
    try:
        yield
    except PressconError as e:
        raise gr.Error(str(e), print_exception=False) from None
    except Exception:  # noqa: BLE001
        log.exception("%s failed for %r", what, question)
        raise gr.Error("an internal error occurred; see the server log",
                       print_exception=False) from None


def build_app(retriever: "Retriever", *, concurrency_limit: int = CONCURRENCY_LIMIT,
              max_queue: int = QUEUE_MAX_SIZE) -> "gr.Blocks":
    """The chat UI plus the ``/ask`` API endpoint, queued, ready to launch."""
    import gradio as gr

    import tempfile

    from rag.present.analysis import answer_change, questioner_counts, timeline
    from rag.present.analysis import RELATIVE
    from rag.present.answers import ANALYSIS_LIMIT, analysed_hits, answer_question, export_text
    from rag.present.chat import follow_up_note
    from rag.present.followup import FILTERS, follow_up
    from rag.present.charts import format_timeline
    from rag.present.chat import (escape_text, facet_choices, format_answer_change,
                                 format_error, format_question, format_questioner_counts,
                                 hit_to_dict)
    from rag.present.export import export_hits
    from rag.present.filters import month_range
    from rag.present.page import (ORDER_CHOICES, ORDER_INFO, filter_note, index_examples, MORE_JS,
                                  SCROLL_JS, SETUP_JS, TRANSCRIPT_JS)
    from rag.present.transcript import transcript_html
    from rag.errors import PressconError

    def header() -> str:
        info = retriever.info()
        n = info.get("conferences", 0)
        span = ""
        if info.get("first_date"):
            span = (f" from {info['first_date']}" if info["first_date"] == info["last_date"]
                    else f" from {info['first_date']} to {info['last_date']}")
        return (f"### presscon: the spokesperson's own words\n"
                f"Replies **verbatim** with their citation; nothing is generated or "
                f"paraphrased. Searching {n} press conference{'s' if n != 1 else ''}{span}, "
                f"{info.get('passages', 0):,} passages.")

    # Facet counts for the dropdowns and the "few passages" warning: read at start and on
    # each page load (another process may have ingested), not on every question.
    facet_cache: dict[str, Any] = {}

    def choices():
        q, s, p = retriever.questioners(), retriever.spokespersons(), retriever.publishers()
        facet_cache.update(total=retriever.info().get("passages", 0), q=dict(q), s=dict(s))
        return (facet_choices(q, "Any questioner"), facet_choices(s, "Any spokesperson"),
                facet_choices(p, "Any publisher"))

    def facets():
        return facet_cache["total"], facet_cache["q"], facet_cache["s"]

    def several(p_choices) -> bool:
        # The publisher dropdown is shown only when the index holds more than one
        # publisher: with one it could only repeat "Any". It stays in the inputs either
        # way (hidden, value "" = any), so the /chat API's arguments never change; a page
        # load re-checks, so it appears once another publisher has been ingested.
        return len(p_choices) > 2

    def unset_inferred(values: dict, inferred: dict | None) -> dict:
        # A control still holding what the previous question's words set is not the
        # user's filter: the new question may read its own (or none).
        inferred = inferred or {}
        return {key: ("" if inferred.get(key) and v == inferred[key] else v)
                for key, v in values.items()}

    def chat(question, history, k, questioner, spokesperson, date_from, date_to, literal=False,
             publisher="", order="auto", inferred=None, last=None):
        # Outputs 4-6 (the question and its filters for Analyse and More, the filters read
        # from the words) are session state, which the /chat API leaves out: it still
        # returns (history, "", hits). New inputs come last so the /chat API's positional
        # arguments stay as they were.
        history = list(history or [])
        question = (question or "").strip()
        if not question:   # Ask on an empty box: say why nothing happens
            gr.Info("Type a question first: what would you like to find in the transcripts?")
            return history, "", [], gr.update(), gr.update(), gr.update()
        controls = dict(zip(FILTERS, (questioner, spokesperson, date_from, date_to)))
        given = unset_inferred(controls, inferred)
        new_inferred: dict = {}
        marks = asked = question
        asked_of = ""    # the publisher this question asked (a follow-up may keep it)
        try:
            # "What about masks?", "And in 2022?": what it does not say again is the
            # question before's (its filters read from words; its topic, if none)
            follow = None if literal or not last else \
                follow_up(question, last.get("question"), retriever.understand)
            again = bool(last) and question == last.get("question")   # a month bar's re-ask
            kept: dict = {}
            applied: dict = {}
            # "And the White House?": the topic before, asked of the publisher it names
            named = follow.publisher if follow and follow.topic_kept and follow.publisher \
                and not publisher else ""
            # the publisher the question before asked ("What did China say ...?"):
            # a follow-up naming none keeps it (as the publisher filter, said in
            # its note), unless one is chosen by hand; not a month bar's re-ask,
            # whose count was of every publisher's replies
            carried = (last.get("asked_of") or "") if not publisher and follow \
                and not follow.publisher else ""
            if follow or again:
                kept = {key: controls[key] for key in (follow.keep if follow else FILTERS)
                        if (inferred or {}).get(key) and controls[key] == inferred[key]}
                if named:   # "And China?": an official or outlet of another publisher goes
                    theirs = {"questioner": retriever.questioners, "spokesperson":
                              retriever.spokespersons}
                    kept = {key: v for key, v in kept.items() if key not in theirs
                            or v in {n for n, _ in theirs[key](named)}}
                # a filter the user set wins over the one a follow-up's words name
                applied = {key: str(v) for key, v in (follow.filters if follow else {}).items()
                           if not given.get(key)}
                asked = follow.question if follow else question
                given = {**given, **kept, **applied}
            a = answer_question(retriever, asked, k, publisher=publisher or named or carried,
                                literal=literal, order=order, facets=facets, **given)
            answer, data = a.html, [hit_to_dict(h) for h in a.hits]
            new_inferred = {**kept, **applied, **a.inferred}
            if again:   # a month bar's dates are the bar's, cleared as the words' are
                new_inferred.update({key: controls[key] for key in ("date_from", "date_to")
                                     if controls[key]})
            asked_of = named or carried or a.answer.asked_of or ""
            if follow and (kept or follow.topic_kept or carried):
                answer = follow_up_note(last.get("typed") or last["question"],
                                        {**kept, "publisher": carried},
                                        follow.topic_kept) + answer
            marks = a.mark_text or asked
        except PressconError as e:
            answer, data = format_error(str(e)), []
        except Exception:  # noqa: BLE001 - the chat stays usable; the log has the traceback
            log.exception("search failed for %r", question)
            answer, data = format_error("an internal error occurred; see the server log"), []
        history += [{"role": "user", "content": format_question(question)},
                    {"role": "assistant", "content": answer}]
        last = {"question": asked, "typed": question, "k": k, **given, "literal": literal,
                "publisher": publisher, "order": order, "shown": len(data), "marks": marks,
                "asked_of": asked_of}
        return (history[-2 * HISTORY_TURNS:], "", data, last,
                {"values": new_inferred, "previous": inferred or {}}, last)

    def show_inferred(state, questioner, spokesperson, date_from, date_to):
        """The filters the question's words set, shown in the controls themselves;
        controls the previous question's words had set are cleared."""
        state = state or {}
        now, before = state.get("values") or {}, state.get("previous") or {}
        current = {"questioner": questioner, "spokesperson": spokesperson,
                   "date_from": date_from, "date_to": date_to}
        updates = []
        for key, value in current.items():
            if key in now:
                updates.append(now[key])
            elif before.get(key) and value == before[key]:
                updates.append("")
            else:
                updates.append(gr.update())
        warn = facets_warnings(now, current)
        return (*updates, now, filter_note(now, warn))

    def facets_warnings(now, current):
        from rag.present.filters import coverage_warnings
        merged = {**{k: v for k, v in current.items() if v}, **now}
        return coverage_warnings(merged, *facets())

    def more(history, last):
        history = list(history or [])
        if not last or not last.get("question"):
            return history, last
        shown = int(last.get("shown") or 0)
        try:
            step = int(last.get("k") or DEFAULT_PASSAGES)
        except (TypeError, ValueError):
            step = DEFAULT_PASSAGES
        try:
            a = answer_question(
                retriever, last["question"], min(shown + step, 100),
                last.get("questioner"), last.get("spokesperson"), last.get("date_from"),
                last.get("date_to"), last.get("literal"), last.get("publisher"),
                order=last.get("order"), start=shown + 1, facets=facets)
            body = a.html if a.hits else ('<div class="pc-empty pc-answer">No further replies '
                                          'match this question.</div>')
            last = {**last, "shown": shown + len(a.hits)}
        except PressconError as e:
            body = format_error(str(e))
        history.append({"role": "assistant", "content": body})
        return history[-2 * HISTORY_TURNS:], last

    def ask(question: str, k: int = DEFAULT_PASSAGES, questioner: str = "",
            spokesperson: str = "", date_from: str = "", date_to: str = "",
            literal: bool = False, publisher: str = "") -> dict:
        """The top passages for a question, verbatim:
        {"question", "k" (as asked), "found" (how many hits), "filters", "understood",
        "close_match", "not_found", "asked_of", "hits", "html"}. Each hit has text, date (ISO), questioner, spokesperson, question, score
        (for ordering only: not a probability, it may pass 1), close (False: only a
        nearest reply), citation, passage_id, kind, source, url, title, publisher,
        speakers, and citations (every occasion the reply was given). "understood" lists
        the filters read from the question itself (none if literal); "close_match" is
        False when no reply addresses the question closely ("asked_of": the publisher
        the question asked to hear, "What did China say ...", whose replies alone were
        judged; null when none). ``publisher`` (last, so older
        positional calls still work; "" for any) keeps one publisher's conferences, e.g.
        "The White House" or "Ministry of Foreign Affairs of China". Dates take
        2020-05-06, 2020-05, May 2020 or 2020.
        A user error (empty question, bad date) is raised as an error with its message."""
        with _api_errors("search", question):
            a = answer_question(retriever, question, k, questioner, spokesperson, date_from,
                                date_to, literal, publisher)
        return {"question": question, "k": k, "found": len(a.hits), "filters": a.filters,
                "understood": a.notes, "close_match": a.answer.close_match,
                "not_found": list(a.answer.not_found), "asked_of": a.answer.asked_of,
                "hits": [hit_to_dict(h) for h in a.hits], "html": a.html}

    def analyse_api(question: str, k: int = DEFAULT_PASSAGES, questioner: str = "",
                    spokesperson: str = "", date_from: str = "", date_to: str = "",
                    literal: bool = False, publisher: str = "") -> dict:
        """How a question's answer looks over time, same arguments as /ask (publisher last):
        {"question", "filters", "understood", "timeline" [{month, replies, results,
        passage_ids}], "answer_change" {earliest, latest, same_reply}, "questioners"
        [{questioner, count}], "citations" (one row per occasion of every reply analysed:
        the answer's k hits, then the other matching replies), "citations_text" (headed by
        the question), "citations_csv"}."""
        with _api_errors("analysis", question):
            return analyse(retriever, question, k, questioner, spokesperson, date_from,
                           date_to, literal, publisher)

    exports = tempfile.TemporaryDirectory(prefix="presscon-export-")

    def write_export(text: str, suffix: str) -> str:
        folder = tempfile.mkdtemp(dir=exports.name)
        path = Path(folder) / f"presscon-citations.{suffix}"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def last_note(last):
        if not last:
            return "Ask a question; its analysis shows here."
        return f"Analysis of the last question: **{escape_text(last['question'])}**."

    NOT_YET = ("Ask a question first.", "", "", "", None, None, "")

    def analyse_ui(last):
        if not last:
            return NOT_YET
        try:
            hits, wide, filters, notes = analysis_hits(retriever, **{
                key: last.get(key) for key in ("question", "k", "questioner", "spokesperson",
                                               "date_from", "date_to", "literal",
                                               "publisher")})
            months = timeline(wide)
        except PressconError as e:
            return (f"Cannot analyse: {escape_text(str(e))}", "", "", "", None, None, "")
        except Exception:  # noqa: BLE001
            log.exception("analysis failed for %r", last.get("question"))
            return ("Cannot analyse: an internal error occurred; see the server log",
                    "", "", "", None, None, "")
        everything = analysed_hits(hits, wide)
        n = sum(m.replies for m in months)
        active = sum(1 for m in months if m.replies)
        distinct = len(everything)
        # the analysis is of the best-matching results only: said, so the chart
        # is not read as every reply the index holds on the topic
        summary = (f"Analysis of **{escape_text(last['question'])}**: {distinct} matching "
                   f"{'reply' if distinct == 1 else 'replies'} (the search's best, at most "
                   f"{max(ANALYSIS_LIMIT, len(hits))}, each scoring at least "
                   f"{RELATIVE:.0%} of the first), given {n} "
                   f"time{'s' if n != 1 else ''} in {active} month{'s' if active != 1 else ''} "
                   f"(a repeated reply counts on each date it was given); the export holds "
                   f"{'it' if distinct == 1 else f'those {distinct}'}, the answer's own first.")
        return (summary, format_timeline(months, last["question"]),
                format_answer_change(answer_change(wide)),
                format_questioner_counts(questioner_counts(wide)),
                write_export(export_hits(everything, "csv"), "csv"),
                write_export(export_hits(everything, "json"), "json"),
                export_text(everything, last["question"], filters, notes))

    def analyse_if_open(last, is_open):
        # The analysis always describes the current question: recomputed when its panel
        # is open, otherwise emptied (and computed when it is opened).
        if is_open:
            return analyse_ui(last)
        return (last_note(last), "", "", "", None, None, "")

    def open_transcript(pid, last):
        # marked as the replies were: not the words read as filters ("the
        # national security adviser" is Jake Sullivan, not the word "security")
        last = last or {}
        question = last.get("marks") or last.get("question", "")
        return transcript_html(retriever, pid, question), gr.Sidebar(open=True)

    q_choices, s_choices, p_choices = choices()
    examples = index_examples(retriever)
    with gr.Blocks(title="presscon", analytics_enabled=False) as demo:
        intro = gr.Markdown(header(), elem_id="pc-header")
        with gr.Row(equal_height=False, elem_id="pc-layout"):
            with gr.Column(scale=3, min_width=300, elem_id="pc-main"):
                chatbot = gr.Chatbot(
                    label="Replies, verbatim and cited", height="auto", min_height=120,
                    elem_id="pc-chat", autoscroll=False, show_label=False,
                    latex_delimiters=[], sanitize_html=True, buttons=[],
                    feedback_options=None, group_consecutive_messages=False,
                    placeholder="Each reply comes back whole, with who asked and when.")
                with gr.Row(elem_id="pc-ask-row"):
                    question = gr.Textbox(
                        label="Question", show_label=False, scale=6, max_lines=4,
                        placeholder="What was said about ...?",   # short: one line on a phone
                        elem_id="pc-question", autofocus=True, submit_btn=False)
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80,
                                        elem_id="pc-ask")
                more_btn = gr.Button("More results", size="sm", elem_id="pc-more",
                                     visible=False)
                example_questions = gr.Examples(examples=[[q] for q in examples],
                                                inputs=[question],
                                                label="Example questions from this index")
            with gr.Column(scale=1, min_width=240, elem_id="pc-side"):
                with gr.Accordion("Filters and order", open=True, elem_id="pc-filters"):
                    filters_note = gr.Markdown("", elem_id="pc-filter-note")
                    publisher = gr.Dropdown(p_choices, value="", label="Publisher",
                                            allow_custom_value=True, elem_id="pc-publisher",
                                            visible=several(p_choices))
                    questioner = gr.Dropdown(q_choices, value="", label="Questioner (outlet)",
                                             allow_custom_value=True, elem_id="pc-questioner")
                    spokesperson = gr.Dropdown(s_choices, value="", label="Spokesperson",
                                               allow_custom_value=True,
                                               elem_id="pc-spokesperson")
                    with gr.Row(elem_id="pc-dates"):
                        date_from = gr.Textbox(label="From date",
                                               placeholder="e.g. May 2020",
                                               max_lines=1, elem_id="pc-from", min_width=100)
                        date_to = gr.Textbox(label="To date", placeholder="e.g. 2020-06-30",
                                             max_lines=1, elem_id="pc-to", min_width=100)
                    order = gr.Radio(ORDER_CHOICES, value="auto", label="Order", info=ORDER_INFO,
                                     elem_id="pc-order")
                    k = gr.Slider(1, MAX_PASSAGES, value=DEFAULT_PASSAGES, step=1,
                                  label="Replies per answer", elem_id="pc-k")
                    literal = gr.Checkbox(
                        value=False, label="Literal",
                        info="Don't read a period, outlet or spokesperson from the question's "
                             "words (\"tell AFP in May 2020\")", elem_id="pc-literal")
                    gr.Markdown("Filters you set apply to every question; those read from a "
                                "question apply to it and to its follow-ups (\"What about "
                                "...?\", \"And in 2022?\").", elem_classes="pc-small")
                    with gr.Row():
                        reset = gr.Button("Clear filters", size="sm")
                        new_chat = gr.Button("New chat", size="sm")
        with gr.Accordion("Analysis: the question over time, who asked, export",
                          open=False, elem_id="pc-analysis") as analysis_panel:
            analysis_note = gr.Markdown("Ask a question; its analysis shows here.",
                                        elem_id="pc-analysis-note")
            with gr.Tab("Over time"):
                plot = gr.HTML(elem_id="pc-timeline")
            with gr.Tab("How the answer changed"):
                change_html = gr.HTML(elem_id="pc-change")
            with gr.Tab("Who asked"):
                outlets_html = gr.HTML(elem_id="pc-outlets")
            with gr.Tab("Export citations"):
                with gr.Row():
                    csv_file = gr.File(label="CSV", interactive=False, elem_id="pc-csv")
                    json_file = gr.File(label="JSON", interactive=False, elem_id="pc-json-file")
                cite_text = gr.Textbox(label="Citations (plain text)", lines=8, max_lines=20,
                                       interactive=False, buttons=["copy"],
                                       elem_id="pc-cite-text")
        with gr.Sidebar(label="Transcript", open=False, position="right",
                        width="min(600px, 94vw)", elem_id="pc-transcript-panel") as side:
            transcript = gr.HTML('<div class="pc-note">Click a citation\'s transcript link '
                                 'to read the whole conference here.</div>',
                                 elem_id="pc-transcript")
        # Developer output: the hits as JSON come from the /chat and /ask APIs (the page's
        # "Use via API" link); the component stays, hidden, so /chat returns them.
        hits_json = gr.JSON(label="hits", elem_id="pc-json", visible=False)
        # What the page's links send back (a passage to open, a month to filter on).
        open_pid = gr.Textbox(visible="hidden", elem_id="pc-open-id")
        open_btn = gr.Button(visible="hidden", elem_id="pc-open-btn")
        month_box = gr.Textbox(visible="hidden", elem_id="pc-month-id")
        month_btn = gr.Button(visible="hidden", elem_id="pc-month-btn")
        last_asked = gr.State(None)
        view = gr.State(None)                 # the last answer's question, for More results
        inferred = gr.State(None)             # filters the last question's words set
        inferred_shown = gr.State({})         # ... as shown in the controls
        analysis_open = gr.State(False)

        inputs = [question, chatbot, k, questioner, spokesperson, date_from, date_to, literal,
                  publisher, order, inferred_shown, last_asked]
        outputs = [chatbot, question, hits_json, last_asked, inferred, view]
        common = dict(fn=chat, inputs=inputs, outputs=outputs, concurrency_id="search",
                      concurrency_limit=concurrency_limit, show_progress="minimal")
        analysis_outputs = [analysis_note, plot, change_html, outlets_html, csv_file,
                            json_file, cite_text]

        def after_answer(event):
            # Scroll first (the answer is on screen now), then the controls, then the
            # analysis, which costs a second search and so never delays the answer.
            event = event.then(None, None, None, js=SCROLL_JS, queue=False)
            event = event.then(show_inferred, [inferred, questioner, spokesperson, date_from,
                                               date_to],
                               [questioner, spokesperson, date_from, date_to, inferred_shown,
                                filters_note], api_visibility="private", queue=False)
            event = event.then(lambda v: gr.update(visible=bool(v and v.get("shown"))), view,
                               more_btn, api_visibility="private", queue=False)
            event.then(analyse_if_open, [last_asked, analysis_open], analysis_outputs,
                       api_visibility="private", concurrency_id="search",
                       concurrency_limit=concurrency_limit, show_progress="hidden")

        after_answer(question.submit(api_name="chat", **common))
        after_answer(ask_btn.click(api_visibility="private", **common))
        # an example clicked is asked at once (it only filled the box: a second click)
        after_answer(example_questions.load_input_event.then(api_visibility="private", **common))
        more_btn.click(more, [chatbot, view], [chatbot, view], api_visibility="private",
                       concurrency_id="search", concurrency_limit=concurrency_limit,
                       show_progress="minimal").then(None, None, None, js=MORE_JS, queue=False)
        gr.api(ask, api_name="ask", concurrency_id="search", concurrency_limit=concurrency_limit)
        gr.api(analyse_api, api_name="analyse", concurrency_id="search",
               concurrency_limit=concurrency_limit)

        analysis_panel.expand(lambda: True, None, analysis_open, queue=False,
                              api_visibility="private").then(
            analyse_ui, last_asked, analysis_outputs, api_visibility="private",
            concurrency_id="search", concurrency_limit=concurrency_limit,
            show_progress="minimal")
        analysis_panel.collapse(lambda: False, None, analysis_open, queue=False,
                                api_visibility="private")

        open_btn.click(open_transcript, [open_pid, last_asked], [transcript, side],
                       api_visibility="private", queue=False).then(
            None, None, None, js=TRANSCRIPT_JS, queue=False)

        def ask_in_month(month, last):
            if not last or not month:
                return gr.update(), gr.update(), gr.update()
            d_from, d_to = month_range(month)
            return d_from, d_to, last["question"]

        after_answer(month_btn.click(
            ask_in_month, [month_box, last_asked], [date_from, date_to, question],
            api_visibility="private", queue=False).then(api_visibility="private", **common))

        def explicit_note(questioner, spokesperson, state):
            # A questioner or spokesperson chosen by hand: warn at once if it sees little.
            shown = state or {}
            current = {"questioner": questioner, "spokesperson": spokesperson}
            return filter_note(shown, facets_warnings(shown, current))

        def narrow(chosen, asker, answerer):
            # One publisher chosen: only its outlets and officials to pick from
            # (a White House co-briefer is no choice for the ministry); a choice
            # the publisher does not have is cleared rather than left to match nothing.
            qc = facet_choices(retriever.questioners(chosen or None), "Any questioner")
            sc = facet_choices(retriever.spokespersons(chosen or None), "Any spokesperson")
            keep = lambda value, cs: value if value in {v for _, v in cs} else ""  # noqa: E731
            return (gr.update(choices=qc, value=keep(asker, qc)),
                    gr.update(choices=sc, value=keep(answerer, sc)))

        publisher.input(narrow, [publisher, questioner, spokesperson], [questioner, spokesperson],
                        api_visibility="private", queue=False)

        for control in (questioner, spokesperson):
            control.input(explicit_note, [questioner, spokesperson, inferred_shown], filters_note,
                          api_visibility="private", queue=False)

        reset.click(lambda: (DEFAULT_PASSAGES, "", "", "", "", False, "", "auto", {}, ""), None,
                    [k, questioner, spokesperson, date_from, date_to, literal, publisher, order,
                     inferred_shown, filters_note], api_visibility="private", queue=False)
        def forget_inferred(shown, *values):
            # A new chat starts from the filters the user set: those the last
            # question's words set (still as shown) are cleared with its answer.
            shown = shown or {}
            return (*("" if shown.get(key) and value == shown[key] else gr.update()
                      for key, value in zip(FILTERS, values)), {}, None, "")

        new_chat.click(lambda: ([], [], None, None, *NOT_YET, gr.update(visible=False)), None,
                       [chatbot, hits_json, last_asked, view, *analysis_outputs, more_btn],
                       api_visibility="private", queue=False).then(
            forget_inferred, [inferred_shown, questioner, spokesperson, date_from, date_to],
            [questioner, spokesperson, date_from, date_to, inferred_shown, inferred, filters_note],
            api_visibility="private", queue=False)

        def refresh():
            # Another process may have ingested since start: fresh facets and counts.
            qc, sc, pc = choices()
            return (header(), gr.update(choices=qc), gr.update(choices=sc),
                    gr.update(choices=pc, visible=several(pc)))

        demo.load(refresh, None, [intro, questioner, spokesperson, publisher],
                  api_visibility="private", queue=False, js=SETUP_JS)

    demo.queue(default_concurrency_limit=concurrency_limit, max_size=max_queue)
    return demo


def launch(demo: "gr.Blocks", host: str = "127.0.0.1", port: int = 7860, *,
           block: bool = True, quiet: bool = True):
    """Serve ``demo``: no share link, no SSR node server, no MCP, no monitoring.
    Returns gradio's (app, local_url, share_url); with block=True only after Ctrl+C."""
    from rag.present.page import CSS, HEAD
    from rag.errors import PressconError
    try:
        return demo.launch(
            server_name=host, server_port=int(port), share=False, inbrowser=False,
            prevent_thread_lock=not block, quiet=quiet, show_error=False,
            ssr_mode=False, mcp_server=False, pwa=False, enable_monitoring=False,
            max_file_size="1mb", footer_links=["api"], css=CSS, head=HEAD)
    except OSError as e:
        raise PressconError(f"cannot serve on {host}:{port}: {e}; is another server using "
                            f"the port? Pass --port to choose another") from None


def ensure_index(retriever: "Retriever", data_dir: Path = DATA_DIR) -> None:
    """Ingest the bundled transcripts into an empty index (first run)."""
    from rag.errors import PressconError
    if retriever.info().get("conferences", 0):
        return
    if not data_dir.is_dir():
        raise PressconError(f"the index in {retriever.index_dir} is empty and the bundled "
                            f"transcripts ({data_dir}) are missing; run `presscon ingest PATH`")
    print(f"First run: building the index in {retriever.index_dir} from {data_dir}",
          file=sys.stderr, flush=True)
    report = retriever.ingest([data_dir], progress=True)
    for f in report.files:
        if f.status == "failed":
            print(f"failed     {f.path}: {f.reason}", file=sys.stderr)
    print(report.summary(), file=sys.stderr, flush=True)


def prepare_query_model(retriever: "Retriever") -> None:
    """Make the default model's ONNX export if it is missing (this process may
    import torch; ~20 s, once), so the chat's queries never load torch."""
    prepare = getattr(retriever.encoder, "prepare", None)
    if prepare is None:
        return
    try:
        prepare(log=lambda m: print(m, file=sys.stderr, flush=True))
    except Exception as e:  # noqa: BLE001 - the chat still works through torch
        print(f"Could not export the query model to ONNX ({e}); the chat loads "
              f"sentence-transformers instead.", file=sys.stderr, flush=True)


def _stop_on_sigterm() -> None:
    """SIGTERM (a service manager, `kill`) stops the chat as cleanly as Ctrl+C."""
    import signal
    import threading

    def stop(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def main(index_dir: str | os.PathLike | None = None, host: str = "127.0.0.1",
         port: int = 7860, *, data_dir: Path = DATA_DIR,
         before_launch: "Callable[[], None] | None" = None,
         on_answerable: "Callable[[Retriever], None] | None" = None) -> None:
    """Open (building if empty) the index and serve the chat until Ctrl+C.
    ``before_launch``: called just before gradio binds the port (rag/serve.py
    frees it there from its "starting" page). ``on_answerable``: called with
    the retriever once it answers (index built, model warm), before gradio is
    imported (the starting page answers questions from then on)."""
    from rag import Retriever
    retriever = Retriever.open(index_dir)
    try:
        prepare_query_model(retriever)
        ensure_index(retriever, data_dir)
        retriever.search("warm up the model", k=1)  # the first user should not wait for it
        if on_answerable is not None:
            on_answerable(retriever)
        demo = build_app(retriever)
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(f"Warning: binding {host}: anyone who can reach this machine can use the "
                  f"chat (there is no login).", file=sys.stderr)
        if before_launch is not None:
            before_launch()
        launch(demo, host, port, block=False)
        _stop_on_sigterm()
        shown = f"[{host}]" if ":" in host else host
        print(f"presscon chat on http://{shown}:{port}/  (Ctrl+C to stop)", flush=True)
        try:
            while demo.is_running:
                time.sleep(0.5)
        except KeyboardInterrupt:
            print("Stopping.", file=sys.stderr)
        finally:
            demo.close()
    finally:
        retriever.close()


def _cli(argv: list[str] | None = None) -> None:
    import argparse
    p = argparse.ArgumentParser(description="The presscon web chat.")
    p.add_argument("--index", default=None, help="index folder (default: $PRESSCON_INDEX "
                   "or the user data folder); built from data/ when empty")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    args = p.parse_args(argv)
    from rag.errors import PressconError
    try:
        main(index_dir=args.index, host=args.host, port=args.port)
    except PressconError as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    _cli()
