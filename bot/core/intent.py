"""An offline intent classifier: multinomial naive Bayes over the skills' phrases.

Good enough to send "how is apollo doing?" to summaries and "who approves a
change request?" to Q&A without an LLM; the router only trusts it when it is
confident, and otherwise answers with help.
"""

from __future__ import annotations

import math
import re
from collections import Counter

MIN_KNOWN_WORDS = 2  # one shared word is too thin to trust
TOKEN = re.compile(r"[a-z][a-z']+|\d+|\?")
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "is",
        "are",
        "be",
        "for",
        "on",
        "in",
        "it",
        "this",
        "that",
        "i",
        "we",
        "you",
        "me",
        "my",
        "our",
    ]
)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens without the commonest stop words ('?' is kept)."""
    return [t for t in TOKEN.findall(text.lower()) if t not in STOP]


class IntentClassifier:
    """Naive Bayes with add-one smoothing over labelled phrases."""

    def __init__(self, examples: dict[str, list[str]]) -> None:
        self.labels = [label for label, phrases in examples.items() if phrases]
        self.counts: dict[str, Counter[str]] = {}
        self.totals: dict[str, int] = {}
        self.vocab: set[str] = set()
        documents = sum(len(examples[label]) for label in self.labels) or 1
        self.priors = {label: math.log(len(examples[label]) / documents) for label in self.labels}
        for label in self.labels:
            counter: Counter[str] = Counter()
            for phrase in examples[label]:
                counter.update(tokens(phrase))
            self.counts[label] = counter
            self.totals[label] = sum(counter.values())
            self.vocab.update(counter)

    def classify(self, text: str) -> tuple[str | None, float]:
        """The likeliest label and its posterior probability (None when no known word)."""
        words = [w for w in tokens(text) if w in self.vocab]
        if len(words) < MIN_KNOWN_WORDS or not self.labels:
            return None, 0.0
        size = len(self.vocab)
        scores = {}
        for label in self.labels:
            counter, total = self.counts[label], self.totals[label]
            scores[label] = self.priors[label] + sum(
                math.log((counter[w] + 1) / (total + size)) for w in words
            )
        best = max(scores, key=scores.__getitem__)
        top = scores[best]
        norm = sum(math.exp(s - top) for s in scores.values())
        return best, 1.0 / norm
