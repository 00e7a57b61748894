"""Retrieval quality of the real pipeline on a BEIR-format data set.

    python -m benchmarks.retrieval --beir /work/shared/eval/scifact --split train

Each corpus document (``title + " " + text``) goes through our chunker, then the
chunks are indexed by ``HybridRetriever`` (MiniLM vectors in an embedded Chroma,
BM25 in bm25s) in a temporary folder. Each query's chunk hits are collapsed to
documents (best chunk first) and scored with nDCG@10 and recall@100. The last
line printed is one JSON object with the figures and timings.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.beir import evaluate, load_beir
from knowledge.chunking import chunk_id, chunk_text
from knowledge.embedding import load_embedder
from knowledge.fusion import FusionConfig
from knowledge.records import ChunkRecord
from knowledge.retrieval import DEFAULT_FUSION, HybridRetriever
from knowledge.vector_store import VectorStore

SCOPE = "beir"


def build_records(corpus: dict[str, tuple[str, str]], max_words: int | None) -> list[ChunkRecord]:
    """Chunk every document the way ingestion does; ids are ``<doc id>:<order>``."""
    options = {"max_words": max_words} if max_words else {}
    records = []
    for doc_id, (title, text) in corpus.items():
        for chunk in chunk_text(f"{title} {text}".strip(), title=title, **options):
            metadata = {"document_id": doc_id, **chunk.metadata()}
            records.append(ChunkRecord(chunk_id(doc_id, chunk.order), chunk.index_text(), metadata))
    return records


def rank_documents(retriever: HybridRetriever, query: str, depth: int) -> list[str]:
    """Document ids in order of their best chunk, up to ``depth`` documents."""
    hits = retriever.search(query, scopes=[SCOPE], k=depth * 3, candidates=depth * 3)
    ranked: list[str] = []
    for hit in hits:
        doc_id = str(hit.metadata.get("document_id", hit.chunk_id.rsplit(":", 1)[0]))
        if doc_id not in ranked:
            ranked.append(doc_id)
    return ranked[:depth]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--beir", required=True, help="folder with corpus.jsonl, queries.jsonl, qrels/"
    )
    parser.add_argument("--split", default="test", help="qrels split name (qrels/<split>.tsv)")
    parser.add_argument("--limit-queries", type=int, default=None)
    parser.add_argument("--model-dir", default=os.environ.get("LIVEPMO_EMBEDDING_MODEL_DIR"))
    parser.add_argument("--lexical-only", action="store_true", help="skip dense retrieval")
    parser.add_argument("--fusion", choices=["default", "rrf"], default="default")
    parser.add_argument(
        "--max-words", type=int, default=None, help="chunk size (default: chunker's)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, object]:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    data = load_beir(args.beir, args.split)
    query_ids = (
        list(data.queries)[: args.limit_queries] if args.limit_queries else list(data.queries)
    )
    print(f"{len(data.corpus)} documents, {len(query_ids)} queries ({args.split})", flush=True)

    t0 = time.perf_counter()
    records = build_records(data.corpus, args.max_words)
    chunk_seconds = time.perf_counter() - t0
    print(f"{len(records)} chunks in {chunk_seconds:.1f}s", flush=True)

    loaded = load_embedder(model_dir=args.model_dir) if not args.lexical_only else None
    embedder = loaded.embedder if loaded else None
    fusion = FusionConfig(method="rrf", rrf_k=60.0) if args.fusion == "rrf" else DEFAULT_FUSION
    with tempfile.TemporaryDirectory(prefix="livepmo-bench-") as tmp:
        store = None
        if embedder is not None:
            store = VectorStore(path=Path(tmp) / "chroma", model_id=embedder.model_id)
        retriever = HybridRetriever(
            embedder=embedder,
            vector_store=store,
            lexical_dir=Path(tmp) / "lexical",
            fusion=fusion,
            dense_unavailable_reason=(loaded.reason if loaded else "--lexical-only"),
            autosave=False,
        )
        t0 = time.perf_counter()
        retriever.index(SCOPE, records)
        retriever.save()
        retriever.search("warm up", scopes=[SCOPE], k=10)
        index_seconds = time.perf_counter() - t0
        print(f"indexed ({retriever.mode}) in {index_seconds:.1f}s", flush=True)

        runs, latencies = {}, []
        for query_id in query_ids:
            t0 = time.perf_counter()
            runs[query_id] = rank_documents(retriever, data.queries[query_id], 100)
            latencies.append(time.perf_counter() - t0)
    figures = evaluate(runs, data.qrels)
    latencies.sort()
    result = {
        "benchmark": "retrieval",
        "dataset": Path(args.beir).name,
        "split": args.split,
        "mode": retriever.mode,
        "dense_unavailable_reason": retriever.dense_unavailable_reason,
        "fusion": fusion.method,
        "documents": len(data.corpus),
        "chunks": len(records),
        "queries": figures["queries"],
        "ndcg@10": round(figures["ndcg@10"], 4),
        "recall@100": round(figures["recall@100"], 4),
        "chunk_seconds": round(chunk_seconds, 2),
        "index_seconds": round(index_seconds, 2),
        "query_ms_p50": round(1000 * statistics.median(latencies), 2) if latencies else None,
        "query_ms_p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 2)
        if latencies
        else None,
        "wall_seconds": round(time.perf_counter() - started, 2),
    }
    print(f"nDCG@10    {result['ndcg@10']:.4f}")
    print(f"recall@100 {result['recall@100']:.4f}")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
