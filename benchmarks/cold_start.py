"""Cold start of the CLI: `livepmo --help`, `livepmo ask` and a one-message `livepmo chat`.

    python -m benchmarks.cold_start [--corpus DIR] [--repeats 5] [--model-dir DIR] [--no-bytecode]
        [--baseline DIR]

A fresh database and index in a temporary folder get project ``bench`` (channel
``CBENCH``) and ``--corpus`` (default: the kb_dev documents) ingested by `livepmo
ingest`. Then each command runs ``--repeats`` times as a new process, in turn, with
the same environment (the embedding model from ``--model-dir`` or
``LIVEPMO_EMBEDDING_MODEL_DIR``; the int8 model cache is warmed by the ingest):

* ``help`` — `livepmo --help`;
* ``ask`` — `livepmo ask "…" --project bench --json`;
* ``chat`` — `livepmo chat --channel CBENCH` given one RAID message on stdin.

The processes use compiled bytecode, as an installed package (or the Docker image) has
it: the first run writes it into the temporary folder (``PYTHONPYCACHEPREFIX``), even where
``PYTHONDONTWRITEBYTECODE`` is set. ``--no-bytecode`` compiles the sources in every run.

Wall time per run, and the CPU time the process used (user + system: less sensitive
to a busy machine than wall time), in seconds; the median and the best of each are
printed with the machine's load average (wall figures on a busy machine are upper
bounds). With ``--baseline DIR`` (a source tree of the code before, e.g. ``git worktree add
DIR COMMIT``; same database schema) each run of a command is followed by the same run from
that tree, in alternating order, so both see the same load; its figures are prefixed
``baseline_``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUESTION = "How often are security releases published?"
CHAT_MESSAGE = "risk: the vendor may deliver the data feed late, owner <@UBENCH>"
LIVEPMO = [sys.executable, "-m", "bot.cli"]
HERE = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(
    command: list[str], env: dict[str, str], stdin: str | None = None, tree: Path = HERE
) -> tuple[float, float]:
    """Wall and CPU seconds the command took, run from source tree `tree`; it must succeed."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(
        command, env=env, input=stdin, capture_output=True, text=True, check=True, cwd=tree
    )
    return time.perf_counter() - started, _children_cpu() - cpu


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/eval/kb_dev/corpus"))
    parser.add_argument("--model-dir", default=os.environ.get("LIVEPMO_EMBEDDING_MODEL_DIR"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-bytecode", action="store_true", help="Compile at every start.")
    parser.add_argument("--baseline", type=Path, help="Source tree to run in turn with this one.")
    args = parser.parse_args(argv)
    trees = {"": HERE} | ({"baseline_": args.baseline.resolve()} if args.baseline else {})
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/livepmo.db",
            "CHROMA_PATH": f"{folder}/chroma",
            "LIVEPMO_EMBEDDING_MODEL_DIR": args.model_dir or f"{folder}/no-model",
        }
        env.pop("CHROMA_HOST", None)
        if not args.no_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = f"{folder}/pycache"
        create = ["project", "create", "bench", "--name", "Bench", "--channel", "CBENCH"]
        subprocess.run(
            [*LIVEPMO, *create, "--pm", "UBENCH"],
            env=env,
            check=True,
            capture_output=True,
            cwd=HERE,
        )
        ingest = [*LIVEPMO, "ingest", str(args.corpus), "--project", "bench"]
        subprocess.run(ingest, env=env, check=True, capture_output=True, cwd=HERE)
        commands: dict[str, tuple[list[str], str | None]] = {
            "help": ([*LIVEPMO, "--help"], None),
            "ask": ([*LIVEPMO, "ask", QUESTION, "--project", "bench", "--json"], None),
            "chat": ([*LIVEPMO, "chat", "--channel", "CBENCH", "--user", "UBENCH"], CHAT_MESSAGE),
        }
        for tree in trees.values():  # warm the file cache (and compile) once
            for command, stdin in commands.values():
                run(command, env, stdin, tree)
        times: dict[str, list[tuple[float, float]]] = {
            prefix + name: [] for prefix in trees for name in commands
        }
        for repeat in range(args.repeats):
            for name, (command, stdin) in commands.items():
                turn = list(trees.items())
                for prefix, tree in turn if repeat % 2 == 0 else reversed(turn):
                    times[prefix + name].append(run(command, env, stdin, tree))
    result: dict[str, Any] = {}
    for name, runs in times.items():
        for kind, values in (
            ("seconds", [w for w, _ in runs]),
            ("cpu_seconds", [c for _, c in runs]),
        ):
            result[f"{name}_{kind}_median"] = round(statistics.median(values), 3)
            result[f"{name}_{kind}_best"] = round(min(values), 3)
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    result["dense"] = bool(args.model_dir)
    result["bytecode"] = not args.no_bytecode
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
