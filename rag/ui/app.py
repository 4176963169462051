"""The Gradio chat: cited answers with readable sources, document management, eval report.

Started by ``python app.py`` or ``rag serve``.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

from rag.arguments import OneLineParser, int_in
from rag.arguments import err as _err
from rag.config import PORT_RANGE, TOP_K_RANGE, ConfigError, Settings, load_settings, set_offline_env

set_offline_env()

import gradio as gr  # noqa: E402  (after the offline environment is set)

from rag.answer.pipeline import QuestionError  # noqa: E402
from rag.answer.retriever import HybridRetriever  # noqa: E402
from rag.factory import ask_stream  # noqa: E402
from rag.index.lock import LockTimeout  # noqa: E402
from rag.ingest.documents import ensure_index, ingest_paths, list_documents, remove_document  # noqa: E402
from rag.ingest.loaders import SUPPORTED, LoadError  # noqa: E402
from rag.ingest.uploads import store_uploads  # noqa: E402
from rag.types import Turn  # noqa: E402
from rag.ui.evaluation_tab import build_evaluation_tab  # noqa: E402
from rag.ui.panels import (  # noqa: E402
    DOCUMENT_HEADERS,
    EMPTY_SOURCES,
    available_models,
    document_labels,
    documents_table,
    example_questions,
)
from rag.ui.render import (  # noqa: E402
    CSS,
    HEAD,
    answer_markdown,
    plain_markdown,
    retrieval_html,
    sources_html,
)
from rag.ui.timeline_tab import build_timeline_tab  # noqa: E402


def chat_component() -> gr.Chatbot:
    """The chat: Markdown rendered (for the [n] links) from text ``render`` has escaped."""
    return gr.Chatbot(
        label="Chat",
        height=480,
        sanitize_html=True,
        render_markdown=True,
        placeholder="Ask about the articles. Try one of the examples below.",
        elem_id="chatbot",
    )


def build_app(settings: Settings | None = None) -> gr.Blocks:
    settings = settings or load_settings()
    ensure_index(settings)
    # Load the embedding model and Chroma's vector segment now, not on the first question.
    HybridRetriever(settings).run("warm up", k=1)
    models = available_models(settings)

    def respond(
        question: str, chat: list[dict], history: list, turn_sources: str, model: str, k: int, details: bool
    ):
        """Stream one answer into the chat; the sources panel and state update at the end."""
        chat = list(chat or [])
        history = list(history or [])
        question = (question or "").strip()
        if not question:
            yield chat, history, turn_sources, gr.update(), ""
            return
        turn = len(history) + 1
        chat.append({"role": "user", "content": plain_markdown(question)})
        chat.append({"role": "assistant", "content": "…"})
        yield chat, history, turn_sources, gr.update(), ""
        streamed: list[str] = []
        try:
            for event in ask_stream(question, history=history, settings=settings, top_k=int(k), llm=model):
                if event.kind == "status":
                    chat[-1]["content"] = f"*{event.text}*"
                elif event.kind == "sentence":
                    streamed.append(event.text)
                    chat[-1]["content"] = answer_markdown(" ".join(streamed), turn)
                elif event.kind == "answer":
                    a = event.answer
                    chat[-1]["content"] = answer_markdown(a.text, turn, a.kind, a.answerable)
                    history.append(Turn.of(a))  # with the passages it cited
                    previous = "" if turn_sources in (None, EMPTY_SOURCES) else turn_sources
                    turn_sources = sources_html(a, turn) + previous
                    detail = retrieval_html(a.passages) if details else ""
                    if a.standalone_question and details:
                        detail = f"<p>Searched for: <b>{html.escape(a.standalone_question)}</b></p>" + detail
                    yield chat, history, turn_sources, gr.update(value=detail), ""
                    return
                yield chat, history, turn_sources, gr.update(), ""
        except (QuestionError, RuntimeError, ValueError) as exc:
            chat[-1]["content"] = f"⚠️ {plain_markdown(str(exc).splitlines()[0])}"
            yield chat, history, turn_sources, gr.update(), ""

    def new_chat():
        return [], [], EMPTY_SOURCES, "", ""

    def upload(files: list[str] | None, progress=gr.Progress()):  # noqa: B008 (Gradio idiom)
        if not files:
            return documents_table(settings), gr.update(), "No files selected."
        temps = [Path(f) for f in files]
        refused = [p.name for p in temps if p.suffix.lower() not in SUPPORTED]
        if len(temps) > settings.max_upload_files or refused:
            for p in temps:
                p.unlink(missing_ok=True)
            why = (
                f"⚠️ {len(temps)} files: at most {settings.max_upload_files} per upload (RAG_MAX_UPLOAD_FILES)"
                if len(temps) > settings.max_upload_files
                else f"⚠️ not indexed: {', '.join(refused)} (supported: {', '.join(SUPPORTED)})"
            )
            return documents_table(settings), gr.update(), why
        stored = store_uploads(temps, settings.uploads_dir)

        def step(done: int, total: int, name: str) -> None:
            progress((done, total), desc=f"Indexing {name}" if name else "Done")

        def waiting(message: str) -> None:
            progress(0, desc=message)

        try:
            report = ingest_paths([s.path for s in stored], settings, progress=step, on_wait=waiting)
        except LockTimeout as exc:
            return documents_table(settings), gr.update(), f"⚠️ {exc}"
        notes = [s.note for s in stored if s.note]
        msg = "\n".join([report.summary(), *notes, *(f"⚠️ {e}" for e in report.errors)])
        return documents_table(settings), gr.update(choices=document_labels(settings)), msg

    def remove(label: str | None):
        if not label:
            return documents_table(settings), gr.update(), "Choose a document first."
        try:
            n = remove_document(label, settings)
        except (LoadError, LockTimeout) as exc:
            return documents_table(settings), gr.update(), f"⚠️ {exc}"
        return (
            documents_table(settings),
            gr.update(choices=document_labels(settings), value=None),
            f"Removed {label} ({n} chunks).",
        )

    def answer_question(question: str, history_json: str = "[]") -> str:
        """API: one answer as JSON (text, answerable, kind, citations, checks, timings)."""
        try:
            history = [tuple(t) for t in json.loads(history_json or "[]")]
        except ValueError:
            return json.dumps({"error": "history_json must be a JSON list of [question, answer] pairs"})
        final = None
        for event in ask_stream(question, history=history, settings=settings):
            if event.kind == "answer":
                final = event.answer
        data = final.to_dict() if final else {}
        data.pop("passages", None)
        return json.dumps(data, ensure_ascii=False)

    with gr.Blocks(title="News Q&A — cited answers from your articles") as demo:
        gr.Markdown(
            "## News Q&A\nAnswers come only from the indexed articles. Every sentence cites "
            "the passage it comes from; when the articles don't say, the answer says so."
        )
        history = gr.State([])
        with gr.Tab("Chat"), gr.Row():
            with gr.Column(scale=3):
                chatbot = chat_component()
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask a question…", show_label=False, scale=5, elem_id="question"
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                clear = gr.Button("New chat", elem_id="new-chat")
                gr.Examples(example_questions(settings), inputs=[box], label="Examples")
            with gr.Column(scale=2):
                sources = gr.HTML(EMPTY_SOURCES, label="Sources", elem_id="sources")
                with gr.Accordion("Settings", open=False):
                    model = gr.Dropdown(models, value=models[0], label="Model")
                    k = gr.Slider(*TOP_K_RANGE, value=settings.top_k, step=1, label="Passages to retrieve")
                    details = gr.Checkbox(False, label="Show retrieval details")
                detail_box = gr.HTML("", elem_id="retrieval-details")
        with gr.Tab("Documents"):
            table = gr.Dataframe(
                documents_table(settings),
                headers=DOCUMENT_HEADERS,
                interactive=False,
                elem_id="documents",
            )
            files = gr.File(file_count="multiple", file_types=list(SUPPORTED), label="Add documents")
            add = gr.Button("Index uploaded files")
            with gr.Row():
                pick = gr.Dropdown(document_labels(settings), label="Document")
                delete = gr.Button("Remove from index", variant="stop")
            # Plain text, not Markdown: file names and reasons are shown exactly as they are.
            status = gr.Textbox(label="Status", interactive=False, lines=2, elem_id="doc-status")
        inputs = [box, chatbot, history, sources, model, k, details]
        outputs = [chatbot, history, sources, detail_box, box]
        # One queue for everything that runs the chat model (Enter, Ask and the API are three
        # listeners; a limit per listener let two run at once), one for index writes.
        model_queue = {"concurrency_id": "model", "concurrency_limit": 1}
        index_queue = {"concurrency_id": "index", "concurrency_limit": 1}
        send.click(respond, inputs, outputs, api_name="respond", **model_queue)
        box.submit(respond, inputs, outputs, api_visibility="private", **model_queue)
        clear.click(new_chat, None, [chatbot, history, sources, detail_box, box], api_name="new_chat")
        add.click(upload, [files], [table, pick, status], api_name="upload", **index_queue)
        delete.click(remove, [pick], [table, pick, status], api_name="remove_document", **index_queue)

        build_timeline_tab(settings)
        build_evaluation_tab(demo, settings, model_queue)

        def current_documents():
            # Read at every page load: another process (rag ingest) may have changed the index.
            docs = list_documents(settings)  # once: 0.6 s at 50,000 documents
            return documents_table(settings, docs), gr.update(choices=document_labels(settings, docs))

        demo.load(current_documents, None, [table, pick], api_visibility="private")
        gr.api(answer_question, api_name="answer_question", **model_queue)
    return demo


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="app.py", description="Start the chat on http://HOST:PORT")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int_in(*PORT_RANGE), default=7860)
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="require this login (or RAG_AUTH)")
    parser.add_argument("--auth-file", metavar="FILE", help="logins, one user:password per line")
    args = parser.parse_args(argv)
    from rag.index.catalog import CatalogError
    from rag.index.store import StoreError
    from rag.models.chat import LLMError
    from rag.models.gguf import ModelError
    from rag.ui.auth import check_bind, load_credentials

    try:
        creds = load_credentials(args.auth, args.auth_file)
        check_bind(args.host, creds)
        settings = load_settings()
        demo = build_app(settings)
    except (ConfigError, ModelError, StoreError, LLMError, CatalogError, LockTimeout) as exc:
        return _err(str(exc))
    # System fonts: the default theme's web fonts would be fetched from the internet.
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    print(f"Chat running on http://{args.host}:{args.port}", file=sys.stderr)
    demo.queue(default_concurrency_limit=1).launch(
        server_name=args.host,
        server_port=args.port,
        share=False,
        css=CSS,
        head=HEAD,
        theme=theme,
        show_error=True,
        auth=creds or None,
        max_file_size=settings.max_file_bytes,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
