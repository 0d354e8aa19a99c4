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
EXAMPLES = [
    "What did China say about Japan and the Beijing Winter Olympics?",
    "Is China blocking imports containing parts from Lithuania?",
    "How did China respond to the Uyghur Forced Labor Prevention Act?",
    "What does China think of American democracy?",
    "Will China attend the JCPOA talks in Vienna?",
]

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
    from rag.present.chat import (escape_text, facet_choices, format_answer_change,
                                 format_error, format_question, format_questioner_counts,
                                 hit_to_dict)
    from rag.present.export import export_hits
    from rag.errors import PressconError

    def header() -> str:
        info = retriever.info()
        n = info.get("conferences", 0)
        span = ""
        if info.get("first_date"):
            span = (f" from {info['first_date']}" if info["first_date"] == info["last_date"]
                    else f" from {info['first_date']} to {info['last_date']}")
        return (f"### presscon: the spokesperson's own words\n"
                f"Ask a question; get the replies **verbatim** with their citation "
                f"(date, questioner, spokesperson). Nothing is generated or paraphrased. "
                f"Searching {n} press conference{'s' if n != 1 else ''}{span}, "
                f"{info.get('passages', 0):,} passages.")

    def choices():
        return (facet_choices(retriever.questioners(), "Any questioner"),
                facet_choices(retriever.spokespersons(), "Any spokesperson"),
                facet_choices(retriever.publishers(), "Any publisher"))

    def several(p_choices) -> bool:
        # The publisher dropdown is shown only when the index holds more than one
        # publisher: with one it could only repeat "Any". It stays in the inputs either
        # way (hidden, value "" = any), so the /chat API's arguments never change; a page
        # load re-checks, so it appears once another publisher has been ingested.
        return len(p_choices) > 2

    def chat(question, history, k, questioner, spokesperson, date_from, date_to, literal=False,
             publisher=""):
        # The 4th output, the question and its filters for the Analyse button, is session
        # state, which the /chat API leaves out: it still returns (history, "", hits).
        # ``publisher`` comes last so the /chat API's positional arguments stay as they were.
        history = list(history or [])
        question = (question or "").strip()
        if not question:
            return history, "", [], gr.update()
        try:
            hits, _, _, answer = search_answer(retriever, question, k, questioner, spokesperson,
                                         date_from, date_to, literal, publisher)
            data = [hit_to_dict(h) for h in hits]
        except PressconError as e:
            answer, data = format_error(str(e)), []
        except Exception:  # noqa: BLE001 - the chat stays usable; the log has the traceback
            log.exception("search failed for %r", question)
            answer, data = format_error("an internal error occurred; see the server log"), []
        history += [{"role": "user", "content": format_question(question)},
                    {"role": "assistant", "content": answer}]
        last = {"question": question, "k": k, "questioner": questioner,
                "spokesperson": spokesperson, "date_from": date_from, "date_to": date_to,
                "literal": literal, "publisher": publisher}
        return history[-2 * HISTORY_TURNS:], "", data, last

    def ask(question: str, k: int = DEFAULT_PASSAGES, questioner: str = "",
            spokesperson: str = "", date_from: str = "", date_to: str = "",
            literal: bool = False, publisher: str = "") -> dict:
        """The top passages for a question, verbatim:
        {"question", "k", "filters", "understood", "hits", "html"}. Each hit has text, date
        (ISO), questioner, spokesperson, question, score, citation, passage_id, kind,
        source, url, title, publisher, speakers, and citations (every occasion the reply
        was given). "understood" lists the filters read from the question itself (none if
        literal). ``publisher`` (last, so older positional calls still work; "" for any)
        keeps one publisher's conferences, e.g. "The White House" or "Ministry of Foreign
        Affairs of China".
        A user error (empty question, bad date) is raised as an error with its message."""
        with _api_errors("search", question):
            hits, filters, notes, answer = search_answer(retriever, question, k, questioner,
                                                   spokesperson, date_from, date_to, literal,
                                                   publisher)
        return {"question": question, "k": len(hits), "filters": filters, "understood": notes,
                "hits": [hit_to_dict(h) for h in hits], "html": answer}

    def analyse_api(question: str, k: int = DEFAULT_PASSAGES, questioner: str = "",
                    spokesperson: str = "", date_from: str = "", date_to: str = "",
                    literal: bool = False, publisher: str = "") -> dict:
        """How a question's answer looks over time, same arguments as /ask (publisher last):
        {"question", "filters", "understood", "timeline" [{month, replies, results,
        passage_ids}], "answer_change" {earliest, latest, same_reply}, "questioners"
        [{questioner, count}], "citations" (one row per occasion of the answer's k hits),
        "citations_text", "citations_csv"}."""
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
            return "Ask a question, then click *Analyse*."
        return (f"Last question: **{escape_text(last['question'])}**. Click *Analyse* to see "
                f"it over time.")

    def analyse_ui(last):
        import pandas as pd
        empty = pd.DataFrame({"month": [], "replies": []})
        if not last:
            return ("Ask a question first.", empty, "", "", None, None, "")
        try:
            hits, wide, _, _ = analysis_hits(retriever, **last)
            months = timeline(wide)
        except PressconError as e:
            return (f"Cannot analyse: {escape_text(str(e))}", empty, "", "", None, None, "")
        except Exception:  # noqa: BLE001
            log.exception("analysis failed for %r", last.get("question"))
            return ("Cannot analyse: an internal error occurred; see the server log",
                    empty, "", "", None, None, "")
        frame = pd.DataFrame({"month": [m.month for m in months],
                              "replies": [m.replies for m in months]})
        n = sum(m.replies for m in months)
        summary = (f"Analysis of **{escape_text(last['question'])}**: {n} matching "
                   f"{'reply' if n == 1 else 'replies'} over {len(months)} "
                   f"month{'s' if len(months) != 1 else ''}; export: the answer's "
                   f"{len(hits)} {'reply' if len(hits) == 1 else 'replies'}.")
        return (summary, frame, format_answer_change(answer_change(wide)),
                format_questioner_counts(questioner_counts(wide)),
                write_export(export_hits(hits, "csv"), "csv"),
                write_export(export_hits(hits, "json"), "json"),
                export_hits(hits, "text"))

    q_choices, s_choices, p_choices = choices()
    with gr.Blocks(title="presscon", analytics_enabled=False) as demo:
        intro = gr.Markdown(header())
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Replies, verbatim and cited", height=620, elem_id="pc-chat",
                    latex_delimiters=[], sanitize_html=True, buttons=[],
                    feedback_options=None, group_consecutive_messages=False,
                    placeholder="Ask about anything the spokesperson was asked. "
                                "Each reply comes back whole, with who asked and when.")
                with gr.Row():
                    question = gr.Textbox(
                        label="Question", show_label=False, scale=6, max_lines=4,
                        placeholder="Ask a question, e.g. What did China say about the "
                                    "Winter Olympics?",
                        elem_id="pc-question", autofocus=True, submit_btn=False)
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80,
                                        elem_id="pc-ask")
                gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[question],
                            label="Example questions")
            with gr.Column(scale=1, min_width=240):
                k = gr.Slider(1, MAX_PASSAGES, value=DEFAULT_PASSAGES, step=1,
                              label="Passages per answer")
                publisher = gr.Dropdown(p_choices, value="", label="Publisher",
                                        allow_custom_value=True, elem_id="pc-publisher",
                                        visible=several(p_choices))
                questioner = gr.Dropdown(q_choices, value="", label="Questioner (outlet)",
                                         allow_custom_value=True, elem_id="pc-questioner")
                spokesperson = gr.Dropdown(s_choices, value="", label="Spokesperson",
                                           allow_custom_value=True, elem_id="pc-spokesperson")
                date_from = gr.Textbox(label="From date", placeholder="YYYY-MM-DD",
                                       max_lines=1, elem_id="pc-from")
                date_to = gr.Textbox(label="To date", placeholder="YYYY-MM-DD",
                                     max_lines=1, elem_id="pc-to")
                literal = gr.Checkbox(
                    value=False, label="Literal",
                    info="Don't read a period, outlet or spokesperson from the question's "
                         "words (\"tell AFP in May 2020\")", elem_id="pc-literal")
                gr.Markdown("Filters apply to every question until changed, "
                            "follow-ups included.")
                with gr.Row():
                    reset = gr.Button("Clear filters", size="sm")
                    new_chat = gr.Button("New chat", size="sm")
        with gr.Accordion("Hits as JSON (also at the /ask API endpoint)", open=False):
            hits_json = gr.JSON(label="hits", elem_id="pc-json")
        last_asked = gr.State(None)
        with gr.Accordion("Analysis: the last question over time, who asked, citations",
                          open=False, elem_id="pc-analysis"):
            with gr.Row():
                analysis_note = gr.Markdown("Ask a question, then click *Analyse*.")
                analyse_btn = gr.Button("Analyse", size="sm", scale=0, min_width=100,
                                        elem_id="pc-analyse")
            with gr.Tab("Over time"):
                plot = gr.BarPlot(None, x="month", y="replies", title="Matching replies by month",
                                  x_title="Month", y_title="Replies", height=260, y_lim=[0, None],
                                  y_axis_format="d",
                                  elem_id="pc-timeline")
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

        inputs = [question, chatbot, k, questioner, spokesperson, date_from, date_to, literal,
                  publisher]
        outputs = [chatbot, question, hits_json, last_asked]
        common = dict(fn=chat, inputs=inputs, outputs=outputs, concurrency_id="search",
                      concurrency_limit=concurrency_limit, show_progress="minimal")
        # The analysis is computed only on a click, so an answer is no slower.
        for event in (question.submit(api_name="chat", **common),
                      ask_btn.click(api_visibility="private", **common)):
            event.then(last_note, last_asked, analysis_note, api_visibility="private",
                       queue=False)
        gr.api(ask, api_name="ask", concurrency_id="search", concurrency_limit=concurrency_limit)
        analyse_btn.click(analyse_ui, last_asked,
                          [analysis_note, plot, change_html, outlets_html, csv_file, json_file,
                           cite_text], api_visibility="private", concurrency_id="search",
                          concurrency_limit=concurrency_limit, show_progress="minimal")
        gr.api(analyse_api, api_name="analyse", concurrency_id="search",
               concurrency_limit=concurrency_limit)

        reset.click(lambda: (DEFAULT_PASSAGES, "", "", "", "", False, ""), None,
                    [k, questioner, spokesperson, date_from, date_to, literal, publisher],
                    api_visibility="private", queue=False)
        new_chat.click(lambda: ([], [], None, "Ask a question, then click *Analyse*."), None,
                       [chatbot, hits_json, last_asked, analysis_note],
                       api_visibility="private", queue=False)

        def refresh():
            # Another process may have ingested since start: fresh facets and counts.
            qc, sc, pc = choices()
            return (header(), gr.update(choices=qc), gr.update(choices=sc),
                    gr.update(choices=pc, visible=several(pc)))

        demo.load(refresh, None, [intro, questioner, spokesperson, publisher],
                  api_visibility="private", queue=False)

    demo.queue(default_concurrency_limit=concurrency_limit, max_size=max_queue)
    return demo


def launch(demo: "gr.Blocks", host: str = "127.0.0.1", port: int = 7860, *,
           block: bool = True, quiet: bool = True):
    """Serve ``demo``: no share link, no SSR node server, no MCP, no monitoring.
    Returns gradio's (app, local_url, share_url); with block=True only after Ctrl+C."""
    from rag.present.chat import CSS
    from rag.errors import PressconError
    try:
        return demo.launch(
            server_name=host, server_port=int(port), share=False, inbrowser=False,
            prevent_thread_lock=not block, quiet=quiet, show_error=False,
            ssr_mode=False, mcp_server=False, pwa=False, enable_monitoring=False,
            max_file_size="1mb", footer_links=["api"], css=CSS)
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
         before_launch: "Callable[[], None] | None" = None) -> None:
    """Open (building if empty) the index and serve the chat until Ctrl+C.
    ``before_launch``: called just before gradio binds the port (rag/serve.py
    frees it there from its "starting" page)."""
    from rag import Retriever
    retriever = Retriever.open(index_dir)
    try:
        prepare_query_model(retriever)
        ensure_index(retriever, data_dir)
        retriever.search("warm up the model", k=1)  # the first user should not wait for it
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
