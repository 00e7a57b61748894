"""Learning from corrections, simulated: accuracy on unseen messages after 0, 10 and 30.

    python -m benchmarks.learning RAID_FILE [--conversation FILE] [--seeds 5] [--type-weights NPZ]

A workspace corrects what the bot got wrong (an item's type, or the operation it picked) and
the model adapts to those corrections as it does in the bot (`with_examples`, each counted
`learning.LEARNED_WEIGHT` times). Per seed, the labelled messages are shuffled and split in
half: the first half is the stream people correct (only the messages the model gets wrong,
in order, up to the budget), the second half judges. RAID types are read by the same parser
the bot uses (`parse_raid_message` with the adapted model); operations by the interpreter.
``--type-weights`` starts from a retrained type model (one that never saw RAID_FILE: the
committed one learned both eval sets). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import clock
from bot.core.learned import TextClassifier, shared_embedder
from bot.interpret.learning import LEARNED_WEIGHT

BUDGETS = (0, 10, 30)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/London")

Guess = Callable[[TextClassifier, str], str]


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def simulate(
    base: TextClassifier,
    rows: list[tuple[str, str]],
    guess: Guess,
    seeds: int,
    weight: float = LEARNED_WEIGHT,
) -> dict[str, Any]:
    """Mean accuracy on the judging half after each budget of corrections."""
    scores: dict[int, list[float]] = {budget: [] for budget in BUDGETS}
    known = set(base.labels)
    for seed in range(seeds):
        order = rows[:]
        random.Random(seed).shuffle(order)
        stream, judge = order[: len(order) // 2], order[len(order) // 2 :]
        wrong = [(t, label) for t, label in stream if label in known and guess(base, t) != label]
        for budget in BUDGETS:
            taught = wrong[:budget]
            model = base.with_examples(
                [t for t, _ in taught], [label for _, label in taught], weight=weight
            )
            hits = sum(guess(model, t) == label for t, label in judge)
            scores[budget].append(hits / len(judge))
    return {f"after_{b}": round(statistics.mean(s), 3) for b, s in scores.items()}


def raid_type(model: TextClassifier, text: str) -> str:
    from skills.raid.parsing import parse_raid_message

    draft = parse_raid_message(
        text, now=NOW, tz=TZ, sender="U0ME", bot_user_id="-", types=lambda: model
    )
    return draft.type.value


def operation_guesser() -> Guess:
    from bot.interpret.interpreter import Interpreter
    from bot.interpret.model import IntentModel
    from skills import registry

    skills = registry()

    def guess(model: TextClassifier, text: str) -> str:
        route = Interpreter(skills, IntentModel(model)).interpret(text)
        if route.how == "none":
            return "none"
        return route.operation.name if route.operation else "unsure"

    return guess


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raid", type=Path, help="JSONL of labelled RAID messages (type)")
    parser.add_argument("--conversation", type=Path, help="JSONL of messages labelled by op")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--weight", type=float, default=LEARNED_WEIGHT, help="per correction")
    parser.add_argument("--type-weights", type=Path, help="type model to start from (cross-fit)")
    args = parser.parse_args(argv)
    clock.pin(NOW.isoformat())
    if shared_embedder() is None:
        print("no embedding model (LIVEPMO_EMBEDDING_MODEL_DIR): lexical features only")
    from bot.interpret.model import base_model
    from skills.raid.parsing.type_model import type_classifier, use_weights

    if args.type_weights:
        use_weights(args.type_weights)
    rows = [(r["text"], r["type"]) for r in load(args.raid) if r.get("type")]
    result: dict[str, Any] = {"raid_file": str(args.raid), "raid_messages": len(rows)}
    result["type_weights"] = str(args.type_weights) if args.type_weights else "committed"
    result["raid_type"] = simulate(type_classifier(), rows, raid_type, args.seeds, args.weight)
    print(f"RAID type on {args.raid.name}: {result['raid_type']}")
    if args.conversation:
        said = [(r["text"], r["op"]) for r in load(args.conversation)]
        base = base_model()
        if base is not None:
            result["conversation_file"] = str(args.conversation)
            result["operation"] = simulate(base, said, operation_guesser(), args.seeds, args.weight)
            print(f"operation on {args.conversation.name}: {result['operation']}")
    result["seeds"], result["weight"] = args.seeds, args.weight
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
