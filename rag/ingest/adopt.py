"""Adopt a collection the catalog has never seen: an index made by rag 0.3, or a Chroma server
filled from another machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.index.catalog import Catalog
from rag.index.records import ChunkRecord, DocumentRecord


def adopt_collection(store, catalog: Catalog, page: int) -> None:
    """Build the catalog from a collection it has never seen (an index made by rag 0.3, or
    a Chroma server filled from another machine), reading the chunks once, page by page."""
    collection = store._collection
    docs: dict[str, dict[str, Any]] = {}
    missing_doc_id: list[tuple[str, dict]] = []
    offset = 0
    while True:
        got = collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
        if not got["ids"]:
            break
        for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            path = meta.get("path") or meta.get("source", cid)
            doc_id = meta.get("doc_id") or catalog.new_doc_id(path)
            if not meta.get("doc_id"):
                missing_doc_id.append((cid, {**meta, "doc_id": doc_id}))
            entry = docs.setdefault(doc_id, {"meta": meta, "path": path, "chunks": []})
            entry["chunks"].append(ChunkRecord(cid, text, int(meta.get("start", 0)), int(meta.get("end", 0))))
        offset += len(got["ids"])
    taken: set[str] = set()
    for doc_id, entry in docs.items():
        meta, path = entry["meta"], entry["path"]
        if path in taken:  # 0.3 keyed documents by file name: a clash leaves one path twice
            path = f"{path}#{doc_id}"
        taken.add(path)
        catalog.commit_document(
            DocumentRecord(
                doc_id=doc_id,
                path=path,
                name=meta.get("source") or Path(path).name,
                title=meta.get("title") or Path(path).stem,
                date=meta.get("date") or None,
                author=meta.get("author") or None,
                content_hash=meta.get("content_hash", ""),
            ),
            sorted(entry["chunks"], key=lambda c: c.start),
        )
    for i in range(0, len(missing_doc_id), page):
        part = missing_doc_id[i : i + page]
        collection.update(ids=[c for c, _ in part], metadatas=[m for _, m in part])
    catalog.clear_journal()
