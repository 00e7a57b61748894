"""How lexical-only ingest scales with the number of documents.

    python -m benchmarks.ingest_scaling [--beir DIR] [--sizes 500 5000] [--queries 50]

For each size, a child process writes that many documents (SciFact abstracts, one
text file each, reused with a copy number past the corpus's 5,183), ingests the folder
with `livepmo ingest`'s own service into a fresh SQLite database and index with no
embedding model (lexical-only), then asks ``--queries`` SciFact claims the way
`livepmo ask` does: the first loads the saved keyword index, the others are timed
warm. Per size: ingest seconds (wall, and the child's CPU time, steadier on a shared
machine), peak memory (the child's max RSS), the first ask,
warm ask p50/p95. The last line is one JSON object, with the time ratios of each size
to the smallest.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.beir import load_beir


def write_documents(beir: Path, count: int, folder: Path) -> None:
    """``count`` text files of one abstract each (the corpus reused with a copy number)."""
    corpus = list(load_beir(beir, "train").corpus.values())
    for n in range(count):
        title, text = corpus[n % len(corpus)]
        copy = n // len(corpus)
        suffix = f" (copy {copy})" if copy else ""
        (folder / f"doc-{n:05d}.txt").write_text(f"{title}{suffix}\n\n{text}\n")


def measure(beir: Path, count: int, queries: int) -> dict[str, Any]:
    """Ingest ``count`` documents lexical-only and time asks (run in a child process)."""
    from bot.core.db import migrate, session_scope
    from bot.core.projects import create_project
    from bot.core.settings import load_settings
    from skills.kb import index, service
    from skills.kb.cli import ask_as_operator

    claims = list(load_beir(beir, "train").queries.values())[:queries]
    with tempfile.TemporaryDirectory() as folder:
        docs = Path(folder) / "docs"
        docs.mkdir()
        write_documents(beir, count, docs)
        settings = load_settings(
            database_url=f"sqlite:///{folder}/kb.db",
            chroma_path=Path(folder) / "chroma",
            livepmo_embedding_model_dir=Path(folder) / "no-model",
        )
        migrate(settings.database_url)
        with session_scope(settings.database_url) as session:
            project = create_project(session, key="bench", name="Benchmark", actor="bench")
        started, cpu = time.perf_counter(), time.process_time()
        outcomes = service.ingest_paths(settings, project, [docs])
        ingest_seconds = time.perf_counter() - started
        ingest_cpu_seconds = time.process_time() - cpu
        assert index.retriever(settings).mode == "lexical-only"
        failed = [o for o in outcomes if o.status == service.FAILED]
        index.forget()  # the first ask loads the saved index, as a new process would
        started = time.perf_counter()
        ask_as_operator(settings, claims[0], project="bench")
        first_ask_ms = 1000 * (time.perf_counter() - started)
        warm = []
        for claim in claims[1:]:  # warm: the index is loaded; each question is new
            started = time.perf_counter()
            ask_as_operator(settings, claim, project="bench")
            warm.append(1000 * (time.perf_counter() - started))
        chunks = index.retriever(settings).stats(service.scope_of(project))
    warm.sort()
    return {
        "documents": count,
        "failed": len(failed),
        "chunks": chunks.get("lexical"),
        "ingest_seconds": round(ingest_seconds, 2),
        "ingest_cpu_seconds": round(ingest_cpu_seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "first_ask_ms": round(first_ask_ms, 1),
        "warm_ask_ms_p50": round(statistics.median(warm), 1),
        "warm_ask_ms_p95": round(warm[int(0.95 * (len(warm) - 1))], 1),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beir", type=Path, default=Path("/work/shared/eval/scifact"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.beir, args.child, args.queries)))
        return {}
    rows = []
    for size in args.sizes:
        command = [sys.executable, "-m", "benchmarks.ingest_scaling", "--beir", str(args.beir)]
        command += ["--queries", str(args.queries), "--child", str(size)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(row, file=sys.stderr)
        rows.append(row)
    for row in rows:
        for kind in ("seconds", "cpu_seconds"):
            base = rows[0][f"ingest_{kind}"] or 1e-9
            row[f"{kind}_ratio_to_smallest"] = round(row[f"ingest_{kind}"] / base, 2)
    result = {"sizes": rows}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
