"""The lexical (BM25) index: tantivy, persisted in ``RAG_DATA_DIR/lexical/``, updated with every
write and never rebuilt per process.

Each chunk is one tantivy document: its id, its document's id and date (for filters) and its
terms from ``rag.tokens.tokenize`` (indexed as given, split on spaces), so BM25 matches terms
exactly as the overlap checks do. tantivy's block-max WAND finds the top hits without scoring
every chunk that holds a common word: at 100,000 chunks a query takes about a millisecond,
where SQLite FTS5 took 50 ms on the same index (measured in ``bench/index_scale.py``).

Writes follow the ingest protocol (``rag.ingest.indexer``): ids are journalled in the catalog first,
so a crash between this index, Chroma and the catalog is repaired by deleting the journalled
ids the catalog doesn't hold. One writer at a time: the data folder's lock is held around it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import tantivy

from rag.text.tokens import tokenize

# tantivy's writer needs at least 15 MB of heap; more only batches segment flushes.
_WRITER_HEAP = 64_000_000


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("chunk_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("doc_id", stored=False, tokenizer_name="raw")
    sb.add_integer_field("date_num", stored=False, indexed=True, fast=True)
    sb.add_text_field("terms", stored=False, tokenizer_name="whitespace")
    return sb.build()


class LexicalIndex:
    """BM25 over chunk terms. ``search`` is safe from any thread; writes go through ``writer``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = _schema()
        path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._lock = threading.Lock()

    def count(self) -> int:
        with self._lock:
            self.index.reload()
            return self.index.searcher().num_docs

    def writer(self) -> LexicalWriter:
        return LexicalWriter(self)

    def search(
        self,
        query: str,
        limit: int,
        doc_ids: list[str] | None = None,
        date_from: int | None = None,
        date_to: int | None = None,
    ) -> list[tuple[str, float]]:
        """Top chunk ids by BM25, best first."""
        terms = list(dict.fromkeys(tokenize(query)))
        if not terms:
            return []
        q = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "terms", t)) for t in terms]
        )
        must = [(tantivy.Occur.Must, q)]
        if doc_ids is not None:
            must.append((tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "doc_id", doc_ids)))
        if date_from is not None or date_to is not None:
            must.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(
                        self.schema,
                        "date_num",
                        tantivy.FieldType.Integer,
                        date_from if date_from is not None else 1,  # 0 is "date unknown"
                        date_to,
                    ),
                )
            )
        if len(must) > 1:
            q = tantivy.Query.boolean_query(must)
        with self._lock:
            self.index.reload()  # another process may have committed since
            searcher = self.index.searcher()
            hits = searcher.search(q, limit).hits
            return [(searcher.doc(addr)["chunk_id"][0], float(score)) for score, addr in hits]


class LexicalWriter:
    """One batch of changes, visible to searchers at ``commit``; ``close`` releases the index."""

    def __init__(self, lexical: LexicalIndex) -> None:
        self.lexical = lexical
        self._writer = lexical.index.writer(_WRITER_HEAP, 1)

    def upsert(self, rows: Iterable[tuple[str, str, int, str]]) -> None:
        """(chunk_id, doc_id, date_num, text) rows; an id already indexed is replaced."""
        for chunk_id, doc_id, date_num, text in rows:
            # tantivy has no upsert: a delete applies to documents added before it.
            self._writer.delete_documents_by_term("chunk_id", chunk_id)
            self._writer.add_document(
                tantivy.Document(
                    chunk_id=chunk_id, doc_id=doc_id, date_num=date_num, terms=" ".join(tokenize(text))
                )
            )

    def add(self, rows: Iterable[tuple[str, str, int, str]]) -> None:
        """Like ``upsert`` for ids known not to be indexed (a rebuild)."""
        for chunk_id, doc_id, date_num, text in rows:
            self._writer.add_document(
                tantivy.Document(
                    chunk_id=chunk_id, doc_id=doc_id, date_num=date_num, terms=" ".join(tokenize(text))
                )
            )

    def delete(self, chunk_ids: Iterable[str]) -> None:
        for chunk_id in chunk_ids:
            self._writer.delete_documents_by_term("chunk_id", chunk_id)

    def delete_all(self) -> None:
        self._writer.delete_all_documents()

    def commit(self) -> None:
        self._writer.commit()

    def close(self) -> None:
        self._writer.wait_merging_threads()  # also drops tantivy's own writer lock
