"""BM25 lexical index over chunk records (bm25s, English stemming and stopwords).

The index keeps the records it was built from, so it is rebuilt from memory after
upserts or deletes (lazily, at the next search); rebuilding 10,000 chunks takes
about a second. ``save``/``load`` persist records and the built index to a folder.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from knowledge.records import ChunkRecord, Filter, ScoredId, matches

# bm25s sets its own logger to DEBUG on import, which bypasses the app's log level.
logging.getLogger("bm25s").setLevel(logging.WARNING)

FORMAT_VERSION = 1
DOCUMENT_KEY = "document_id"
_TOKEN = re.compile(r"\w+")
_STOPWORDS = frozenset(STOPWORDS_EN)


class Analyzer:
    """Lower-cases, splits on non-word characters, drops stopwords, stems (Snowball English)."""

    def __init__(self, *, stem: bool = True, min_length: int = 1) -> None:
        self.stem = stem
        self.min_length = min_length
        self._stemmer = Stemmer.Stemmer("english") if stem else None
        self._stem_word = (
            lru_cache(maxsize=200_000)(self._stemmer.stemWord) if self._stemmer else None
        )

    def __call__(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        words = [
            w for w in _TOKEN.findall(text) if len(w) >= self.min_length and w not in _STOPWORDS
        ]
        if self._stem_word is None:
            return words
        return [self._stem_word(w) for w in words]

    def config(self) -> dict[str, object]:
        return {"stem": self.stem, "min_length": self.min_length}


class LexicalIndex:
    """BM25 over chunk records, with metadata filters and persistence."""

    def __init__(
        self,
        records: Iterable[ChunkRecord] = (),
        *,
        k1: float = 1.2,
        b: float = 0.75,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.k1 = k1
        self.b = b
        self.analyzer = analyzer or Analyzer()
        self._records: dict[str, ChunkRecord] = {}
        self._by_document: dict[object, set[str]] = {}
        self._tokens: dict[str, list[str]] = {}
        self._ids: list[str] = []
        self._bm25: bm25s.BM25 | None = None
        self._dirty = False
        self._lock = threading.RLock()
        self.upsert(records)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._records

    def get(self, chunk_id: str) -> ChunkRecord | None:
        """The record with this id, if indexed."""
        return self._records.get(chunk_id)

    def records(self) -> list[ChunkRecord]:
        """All records, in insertion order."""
        return list(self._records.values())

    def upsert(self, records: Iterable[ChunkRecord]) -> int:
        """Add or replace records by id; returns how many were given."""
        count = 0
        with self._lock:
            for record in records:
                self._forget(record.id)  # re-insert at the end
                self._records[record.id] = record
                self._by_document.setdefault(record.metadata.get(DOCUMENT_KEY), set()).add(
                    record.id
                )
                self._tokens.pop(record.id, None)  # (re)tokenised at the next build
                count += 1
            self._dirty = self._dirty or count > 0
        return count

    def delete(self, ids: Sequence[str] = (), *, where: Filter | None = None) -> int:
        """Delete records by id and/or by metadata filter; returns how many were removed."""
        with self._lock:
            doomed = {i for i in ids if i in self._records}
            if where:
                doomed.update(
                    i
                    for i in self._filter_candidates(where)
                    if matches(self._records[i].metadata, where)
                )
            for chunk_id in doomed:
                self._forget(chunk_id)
            self._dirty = self._dirty or bool(doomed)
        return len(doomed)

    def _forget(self, chunk_id: str) -> None:
        record = self._records.pop(chunk_id, None)
        self._tokens.pop(chunk_id, None)
        if record is not None:
            same = self._by_document.get(record.metadata.get(DOCUMENT_KEY))
            if same is not None:
                same.discard(chunk_id)
                if not same:
                    del self._by_document[record.metadata.get(DOCUMENT_KEY)]

    def _filter_candidates(self, where: Filter) -> Iterable[str]:
        """Ids that may match ``where``: one document's chunks when it names a single
        document (a re-ingest deletes by document, so this keeps ingest linear), else all."""
        document = where.get(DOCUMENT_KEY)
        if isinstance(document, str | int | float | bool):
            return list(self._by_document.get(document, ()))
        return list(self._records)

    def clear(self) -> None:
        """Remove every record."""
        self.delete(list(self._records))

    def _ensure_built(self) -> None:
        if not self._dirty and (self._bm25 is not None or not self._records):
            return
        self._ids = list(self._records)
        for chunk_id in self._ids:
            if chunk_id not in self._tokens:
                self._tokens[chunk_id] = self.analyzer(self._records[chunk_id].text)
        if self._ids:
            bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
            bm25.index([self._tokens[i] or [""] for i in self._ids], show_progress=False)
            self._bm25 = bm25
        else:
            self._bm25 = None
        self._dirty = False

    def scores(self, query: str) -> tuple[list[str], np.ndarray]:
        """BM25 score of every record for ``query`` (ids, scores aligned)."""
        with self._lock:
            self._ensure_built()
            if self._bm25 is None:
                return [], np.zeros(0, dtype=np.float32)
            terms = [t for t in self.analyzer(query) if t in self._bm25.vocab_dict]
            if not terms:
                return self._ids, np.zeros(len(self._ids), dtype=np.float32)
            return self._ids, self._bm25.get_scores(terms)

    def search(self, query: str, k: int = 10, *, where: Filter | None = None) -> list[ScoredId]:
        """Top ``k`` records matching at least one query term, best first."""
        ids, scores = self.scores(query)
        if not ids or k <= 0:
            return []
        scores = scores.copy()
        if where:
            keep = np.fromiter(
                (matches(self._records[i].metadata, where) for i in ids), bool, len(ids)
            )
            scores[~keep] = 0.0
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        order = candidates[np.lexsort((candidates, -scores[candidates]))]
        return [ScoredId(ids[i], float(scores[i]), rank) for rank, i in enumerate(order, start=1)]

    # -- persistence -------------------------------------------------------

    def save(self, folder: str | Path) -> None:
        """Write the records and the built BM25 arrays into ``folder`` (created if
        needed), so the next process loads the index instead of rebuilding it."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._ensure_built()
            built = not self._dirty and (self._bm25 is not None or not self._records)
            manifest = {
                "version": FORMAT_VERSION,
                "k1": self.k1,
                "b": self.b,
                "analyzer": self.analyzer.config(),
                "ids": self._ids if built else None,
            }
            tmp = folder / "records.jsonl.tmp"
            with tmp.open("w", encoding="utf-8") as out:
                for record in self._records.values():
                    row = {"id": record.id, "text": record.text, "metadata": record.metadata}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            tmp.replace(folder / "records.jsonl")
            if built and self._bm25 is not None:
                self._bm25.save(str(folder / "bm25"))
            (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> LexicalIndex:
        """Load an index saved with ``save``; rebuilds it if the saved index is unusable."""
        folder = Path(folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        analyzer = Analyzer(**manifest.get("analyzer", {}))
        index = cls(k1=manifest["k1"], b=manifest["b"], analyzer=analyzer)
        with (folder / "records.jsonl").open(encoding="utf-8") as rows:
            records = [ChunkRecord(**json.loads(line)) for line in rows if line.strip()]
        index.upsert(records)
        saved_ids = manifest.get("ids")
        if manifest.get("version") == FORMAT_VERSION and saved_ids == list(index._records):
            try:
                index._bm25 = bm25s.BM25.load(str(folder / "bm25")) if saved_ids else None
                index._ids = saved_ids
                index._dirty = False
            except (OSError, ValueError):
                index._dirty = True  # fall back to rebuilding from the records
        return index
