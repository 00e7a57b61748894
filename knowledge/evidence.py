"""Candidate answer sentences and the features the answer model reads.

Every distinct sentence (three words or more) of the passages is a candidate. Its
features carry across corpora — none is a phrase of any document set:

* ``dense`` — cosine between the question and the sentence (0 without a model);
  ``dense_context`` — the same with the sentence's neighbours averaged in;
* ``lexical`` — the IDF-weighted share of the question's content terms in the
  sentence (BM25's idea without its length terms; IDF over the candidates, misspelt
  question words matched to their closest word); ``lexical_context`` — over the
  sentence with its neighbours;
* ``field`` — the same share in the passage's document title and section headings,
  so a question that names a document or section finds it;
* ``passage`` — the passage's retrieval score, z-scored over the passages;
  ``top_document`` — the passage comes from the best hit's document;
* ``typed`` — holds the kind of fact asked for (``knowledge.answer_types``);
  ``rule_asked`` — states a rule, for a yes/no or permission question;
* ``label`` — ends with a colon (introduces what follows: rarely the answer itself);
  ``after_label`` — follows one; ``length`` — log of the word count.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from knowledge.acronyms import added_terms, expansions
from knowledge.answer_types import (
    asked_type,
    asks_present,
    asks_rule,
    has_type,
    states_present,
    states_rule,
)
from knowledge.lexical import Analyzer
from knowledge.markup import plain
from knowledge.passages import Passage, with_vectors

if TYPE_CHECKING:
    from knowledge.embedding import Embedder

FEATURES = (
    "dense", "dense_context", "lexical", "lexical_context", "field", "passage",
    "top_document", "typed", "rule_asked", "label", "after_label", "length",
)  # fmt: skip
_WORD = re.compile(r"\w+")
# "how long", "how many": the kind of fact asked for (``answer_types``), not what about.
_WH_PHRASE = re.compile(r"\bhow (?:long|many|much|often|soon|far|fast|quickly|early|late)\b", re.I)
_ANALYZER = Analyzer()
# Question words, auxiliaries and pronouns: they say what is asked, not what about.
_QUESTION_STOPWORDS = frozenset(
    _ANALYZER(
        "how what whats when who whom whose where why which do does did can could should would "
        "shall may might must need needs am i me my we us our you your it s t ll re ve d "
        "get gets got just really ok please"
    )
)


@dataclass
class Candidate:
    """A sentence of one passage and its features (``FEATURES`` order)."""

    text: str
    """The sentence with its inline markup."""
    passage: int
    """Index of its passage."""
    position: int
    """Index among its passage's sentences."""
    features: np.ndarray
    document: str = ""
    """Its passage's document id."""
    typed: bool = False
    present: bool = False
    """States the present state (``answer_types.states_present``)."""
    score: float = 0.0
    """The answer model's score (set by ``AnswerModel.rank``)."""
    vector: np.ndarray | None = None
    """Its sentence vector (None without an embedding model)."""


@dataclass
class Candidates:
    """A question's candidate sentences; ``asked`` is the kind of fact it asks for,
    ``present`` whether it asks about the present state; ``question_vector`` its
    embedding (None without a model)."""

    items: list[Candidate] = field(default_factory=list)
    asked: str | None = None
    present: bool = False
    question_vector: np.ndarray | None = None

    def matrix(self) -> np.ndarray:
        return np.stack([c.features for c in self.items]) if self.items else np.zeros((0, 0))


def question_terms(question: str) -> list[str]:
    """The question's stemmed content terms (stopwords, question words and the
    wh-phrase such as "how long" removed)."""
    terms = (t for t in _ANALYZER(_WH_PHRASE.sub(" ", question)) if t not in _QUESTION_STOPWORDS)
    return list(dict.fromkeys(terms))


def _fuzzy(term: str, vocabulary: set[str]) -> str | None:
    """The vocabulary word a misspelt ``term`` most likely means ("reciept" -> "receipt")."""
    if len(term) < 5:
        return None
    best = difflib.get_close_matches(term, vocabulary, n=1, cutoff=0.8)
    return best[0] if best else None


def _is_label(sentence: str) -> bool:
    return sentence.rstrip("*_` ").endswith(":")


def _similarities(
    vectors: np.ndarray | None, question: np.ndarray | None
) -> list[tuple[float, float]] | None:
    """Per sentence: cosine to the question, alone and with its neighbours averaged in."""
    if vectors is None or question is None or not len(vectors):
        return None
    padded = np.vstack([np.zeros_like(vectors[:1]), vectors, np.zeros_like(vectors[:1])])
    context = padded[:-2] + padded[1:-1] + padded[2:]  # the mean's direction: the sum's
    norms = np.linalg.norm(context, axis=1)
    norms[norms == 0] = 1.0
    alone, around = vectors @ question, (context @ question) / norms
    return [(float(a), float(b)) for a, b in zip(alone, around, strict=True)]


def collect(
    question: str,
    passages: Sequence[Passage],
    *,
    embedder: Embedder | None = None,
) -> Candidates:
    """Every distinct sentence of ``passages`` (best hit first) with its features."""
    passages = with_vectors(passages, embedder)
    # Each passage's sentences once: (text with markup, plain text, analysed terms).
    read = [
        [(s, text, frozenset(_ANALYZER(text))) for s in p.sentences for text in [plain(s)]]
        for p in passages
    ]
    found: list[tuple[int, int]] = []  # (passage, position)
    seen: set[str] = set()
    for p, sentences in enumerate(read):
        for i, (_, text, _) in enumerate(sentences):
            key = " ".join(_WORD.findall(text.lower()))
            if len(key.split()) >= 3 and key not in seen:
                seen.add(key)
                found.append((p, i))
    asked, present = asked_type(question), asks_present(question)
    if not found:
        return Candidates([], asked, present)
    heading_texts = [f"{q.title} {q.heading}" for q in passages]
    fields = [frozenset(_ANALYZER(text)) for text in heading_texts]
    vocabulary = set().union(*(read[p][i][2] for p, i in found), *fields)
    spelling = {
        t: t if t in vocabulary else (_fuzzy(t, vocabulary) or t) for t in question_terms(question)
    }
    terms = list(spelling.values())
    # A sentence holds the question's words it names by acronym, and the other way round.
    by_acronym, by_initials = expansions(
        question, lambda text: [spelling.get(t, t) for t in _ANALYZER(text)]
    )
    if by_acronym or by_initials:
        read = [
            [(s, text, words | added_terms(text, by_acronym, by_initials)) for s, text, words in r]
            for r in read
        ]
        fields = [
            words | added_terms(text, by_acronym, by_initials)
            for words, text in zip(fields, heading_texts, strict=True)
        ]
    terms_of = [read[p][i][2] for p, i in found]
    n = len(found)
    weights = {t: math.log(1 + (n + 0.5) / (sum(t in d for d in terms_of) + 0.5)) for t in terms}
    total = sum(weights.values()) or 1.0

    def coverage(words: frozenset[str]) -> float:
        return sum(w for t, w in weights.items() if t in words) / total

    scores = np.array([q.hit.score for q in passages], dtype=float)
    prior = (scores - scores.mean()) / (scores.std() or 1.0)
    question_vector = (
        np.asarray(embedder.embed([question]), dtype=np.float32)[0] if embedder else None
    )
    rule_question = asks_rule(question)
    similarity = [_similarities(q.vectors, question_vector) for q in passages]
    items = []
    for k, (p, i) in enumerate(found):
        sentences = read[p]
        sentence, text, _ = sentences[i]
        around = range(max(0, i - 1), min(len(sentences), i + 2))
        context = frozenset().union(*(sentences[j][2] for j in around))
        dense, dense_context = similarity[p][i] if similarity[p] is not None else (0.0, 0.0)
        typed = asked is not None and has_type(text, asked)
        features = [
            dense,
            dense_context,
            coverage(terms_of[k]),
            coverage(context),
            coverage(fields[p]),
            float(prior[p]),
            float(passages[p].document == passages[0].document),
            float(typed),
            float(rule_question and states_rule(sentence)),
            float(_is_label(sentence)),
            float(i > 0 and _is_label(sentences[i - 1][0])),
            math.log(len(text.split())),
        ]
        items.append(
            Candidate(
                sentence,
                p,
                i,
                np.array(features),
                passages[p].document,
                typed,
                states_present(text),
                vector=passages[p].vectors[i] if similarity[p] is not None else None,
            )
        )
    return Candidates(items, asked, present, question_vector)
