"""Offline (no LLM) extractive answers: the best sentences of the best passages, cited.

``extract_answer(question, hits)`` takes the retriever's hits, splits the top
passages into sentences (``knowledge.sentences``: bullets, tables, code fences,
labels), scores every sentence against the question and returns an ``Extract``:
whether the documents answer the question (``found``), a confidence in [0, 1],
up to three quoted sentences (consecutive sentences of one passage merge into one
quote) each tied to a numbered source, and the sources themselves.

Scoring a sentence combines
  * dense similarity — cosine between the question and the sentence embeddings
    (skipped when no embedder is given: lexical-only mode),
  * lexical coverage — the share of the question's IDF-weighted stemmed content
    terms the sentence (with its heading) contains, IDF taken over the candidate
    sentences, misspelt question words matched to their closest document word,
  * the passage's standing in the retrieval (fused score, min-max scaled),
  * a bonus when the sentence holds the kind of fact asked for (a time for "how
    long", a number for "how many", ...).
``found`` is decided on the best sentence, not on retrieval scores: on a near-miss
question the retriever always finds the topic, and the best sentence then tends to
be a topical description, not a rule, number or time. The confidence is a logistic
of the best sentence's similarity, coverage, ``specific`` (states a rule, number or
time) and ``typed`` (holds the kind of fact asked for). Weights and thresholds live
in ``AnswerConfig`` and were tuned on kb_dev (benchmarks/answer_dev.py).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.embedding import Embedder
from knowledge.lexical import Analyzer
from knowledge.records import Hit
from knowledge.sentences import split_sentences

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Quote:
    """A verbatim span of one passage (whitespace and list markers normalised).

    Attributes:
        text: The quoted sentence(s).
        source: 1-based index into ``Extract.sources``.
    """

    text: str
    source: int


@dataclass(frozen=True)
class Extract:
    """An extractive answer.

    Attributes:
        found: True when the passages answer the question; False means "I didn't
            find that in the documents" (``quotes`` is then empty).
        confidence: In [0, 1]; ``found`` is ``confidence >= config.min_confidence``.
        quotes: 1-3 quotes, best first, when found.
        sources: The cited hits in the order first cited (citation n is
            ``sources[n - 1]``), then the best hit of each further close document,
            up to ``config.closest_documents`` documents in all. With ``found=False``
            these are the closest documents, best first.
        cited: How many of ``sources`` the quotes cite (0 when nothing was found).
    """

    found: bool
    confidence: float
    quotes: tuple[Quote, ...] = ()
    sources: tuple[Hit, ...] = ()
    cited: int = 0

    @property
    def text(self) -> str:
        """The quotes as plain text with citation markers: ``"..." [1] "..." [2]``."""
        return " ".join(f"\u201c{q.text}\u201d [{q.source}]" for q in self.quotes)


@dataclass(frozen=True)
class AnswerConfig:
    """Weights and thresholds of the composer, tuned by benchmarks/answer_dev.py.

    A sentence's score is ``dense_weight * dense + lexical_weight * lexical +
    passage_weight * prior + type_weight * typed + specific_weight * specific``
    (see ``Candidate``); the confidence is the logistic of ``bias + conf_dense *
    dense + conf_lexical * lexical + conf_specific * specific + conf_typed * typed``
    of the best sentence.
    """

    passages: int = 8
    """How many of the top hits sentences are taken from (search at least this many)."""
    max_quote_sentences: int = 3
    """At most this many sentences are quoted in all."""
    dense_weight: float = 1.0
    lexical_weight: float = 0.5
    passage_weight: float = 0.1
    type_weight: float = 0.1
    specific_weight: float = 0.0
    extra_sentence_ratio: float = 0.8
    """A further sentence is quoted when its score is at least this share of the best."""
    follow_ratio: float = 0.0
    """With room left, the sentence after the best one is quoted too when its score is at
    least this share of the best (above 1: never)."""
    bias: float = -5.0
    conf_dense: float = 3.0
    conf_lexical: float = 2.0
    conf_specific: float = 3.0
    conf_typed: float = 1.0
    min_confidence: float = 0.5
    closest_documents: int = 3
    """Documents listed in ``Extract.sources`` (more only when more are cited)."""


DEFAULT_CONFIG = AnswerConfig()
"""For hybrid retrieval (an embedder is given)."""
LEXICAL_ONLY_CONFIG = AnswerConfig(
    passages=6,
    dense_weight=0.0,
    lexical_weight=0.5,
    passage_weight=0.0,
    specific_weight=0.1,
    bias=-5.0,
    conf_dense=0.0,
    conf_lexical=2.0,
    conf_specific=3.0,
    conf_typed=2.0,
)
"""For lexical-only mode (no embedding model)."""


def default_config(*, dense: bool) -> AnswerConfig:
    """``DEFAULT_CONFIG`` with an embedder, ``LEXICAL_ONLY_CONFIG`` without."""
    return DEFAULT_CONFIG if dense else LEXICAL_ONLY_CONFIG


# -- sentence splitting -----------------------------------------------------


_ANALYZER = Analyzer()
# Question words, auxiliaries and pronouns: they say what is asked, not what about.
_QUESTION_STOPWORDS = frozenset(
    _ANALYZER(
        "how what whats when who whom whose where why which do does did can could should would "
        "shall may might must need needs am i me my we us our you your it s t ll re ve d "
        "get gets got just really ok please"
    )
)
_ASKS_QUANTITY = re.compile(
    r"\bhow (?:many|much)\b|\b(?:max|maximum|min|minimum|amount|number of|percentage|cost|price)\b"
)
_ASKS_MOMENT = re.compile(
    r"\bwhat (?:time|date|day|hour)\b|\b(?:which|what) (?:day|date|week|month|year|weekday)s?\b"
    r"|\bhow often\b"
)
_ASKS_TIME = re.compile(
    r"\bhow (?:long|soon|early|late|fast|quickly|far (?:out|back|ahead|in advance))\b"
    r"|(?:^|[,:;.?!]\s*)when\b|\bwhen(?:'s| is| are| do| does| did| should| will| can| must)\b"
    r"|\bdeadline\b"
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|thousand|million|billion|half|halves|thirds?|quarters?|dozen|once|twice|majority"
)
_QUANTITY = re.compile(rf"\d|[$€£%]|\b(?:{_NUMBER_WORDS}|percent|dollars?|euros?)\b", re.I)
_DAYS = (
    "mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|weekends?|"
    "january|february|april|june|july|august|september|october|november|december|"
    "daily|weekly|biweekly|fortnightly|monthly|quarterly|yearly|annually|noon|midnight|"
    r"\d{1,2}(?::\d\d)?\s?[ap]\.?m\.?|\d{1,2}:\d\d"
)
_TIME = re.compile(  # durations and moments
    rf"\b(?:{_DAYS}|seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|"
    r"quarters?|immediately|\d+-(?:day|week|month|year))\b",
    re.I,
)
_MOMENT = re.compile(  # days, dates, clock times, frequencies
    rf"\b(?:{_DAYS}|every|once|twice|per (?:day|week|month|quarter|year)|"
    r"morning|afternoon|evening|utc|gmt|\d{1,2}:\d\d|\d{4}-\d\d-\d\d)\b",
    re.I,
)
# Rules and constraints: what policy answers are made of.
_RULE_WORDS = re.compile(
    r"\b(?:must|shall|should|may|can|cannot|could|will|would|need|needs|required?|requires|"
    r"allowed|permitted|prohibited|forbidden|not|no|never|only|unless|always|"
    r"[a-z]+n't|[a-z]+n’t)\b",
    re.I,
)


def expected_answer(question: str) -> str | None:
    """What kind of fact the question asks for.

    ``"moment"`` (a day, date, clock time or frequency: "what time ...?"), ``"time"``
    (that or a duration: "how long ...?", "when ...?"), ``"quantity"`` ("how many
    ...?") or None.
    """
    text = question.lower().replace("’", "'")
    if _ASKS_MOMENT.search(text):
        return "moment"
    if _ASKS_TIME.search(text):
        return "time"
    if _ASKS_QUANTITY.search(text):
        return "quantity"
    return None


def _has_type(sentence: str, wanted: str | None) -> bool:
    if wanted == "moment":
        return bool(_MOMENT.search(sentence))
    if wanted == "time":
        return bool(_TIME.search(sentence))
    if wanted == "quantity":
        return bool(_QUANTITY.search(sentence))
    return True


def is_specific(sentence: str) -> bool:
    """True when a sentence states a rule (must, may, not, ...), a number or a time."""
    return bool(
        _RULE_WORDS.search(sentence) or _QUANTITY.search(sentence) or _TIME.search(sentence)
    )


def question_terms(question: str) -> list[str]:
    """The question's stemmed content terms (stopwords and question words removed)."""
    terms = (t for t in _ANALYZER(question) if t not in _QUESTION_STOPWORDS)
    return list(dict.fromkeys(terms))


def _fuzzy(term: str, vocabulary: set[str]) -> str | None:
    """The vocabulary word a misspelt ``term`` most likely means ("reciept" -> "receipt")."""
    if len(term) < 5:
        return None
    best = difflib.get_close_matches(term, vocabulary, n=1, cutoff=0.8)
    return best[0] if best else None


# -- scoring ------------------------------------------------------------------


@dataclass
class Candidate:
    """A sentence of one passage with its features and score (for tuning and tests)."""

    text: str
    passage: int
    """Index of its hit in the hits given."""
    position: int
    """Index of the sentence within its passage."""
    terms: frozenset[str] = field(default_factory=frozenset)
    dense: float = 0.0
    """Cosine similarity to the question (0 without an embedder)."""
    lexical: float = 0.0
    """IDF-weighted share of the question's terms in the sentence or its heading."""
    prior: float = 0.0
    """The passage's fused retrieval score, min-max scaled over the passages used."""
    specific: bool = False
    """States a rule (must, may, not, ...), a number or a time."""
    asked: bool = False
    """The question asks for a kind of fact (``expected_answer``)."""
    typed: bool = True
    """Holds the kind of fact asked for, or no kind was asked for."""
    score: float = 0.0


def _hit_context(hit: Hit) -> tuple[str, str]:
    return str(hit.metadata.get("title", "")), str(hit.metadata.get("heading", ""))


def sentence_features(
    question: str,
    hits: Sequence[Hit],
    *,
    embedder: Embedder | None = None,
    passages: int = DEFAULT_CONFIG.passages,
) -> list[Candidate]:
    """Every distinct sentence of the first ``passages`` hits with its features (unscored)."""
    top = list(hits[:passages])
    found: list[Candidate] = []
    seen: set[str] = set()
    for p, hit in enumerate(top):
        title, heading = _hit_context(hit)
        for i, sentence in enumerate(split_sentences(hit.text or "", context=(title, heading))):
            key = " ".join(_WORD.findall(sentence.lower()))
            if len(key.split()) < 3 or key in seen:
                continue  # labels such as "**Privileges:**", repeated sentences
            seen.add(key)
            terms = frozenset(_ANALYZER(f"{heading} {sentence}"))
            found.append(Candidate(sentence, p, i, terms))
    if not found:
        return []
    wanted = expected_answer(question)
    vocabulary = set().union(*(c.terms for c in found))
    terms = [
        t if t in vocabulary else (_fuzzy(t, vocabulary) or t) for t in question_terms(question)
    ]
    n = len(found)
    weights = {t: math.log(1 + (n + 0.5) / (sum(t in c.terms for c in found) + 0.5)) for t in terms}
    total = sum(weights.values()) or 1.0
    scores = [h.score for h in top]
    low, high = min(scores), max(scores)
    if embedder is not None:
        vectors = np.asarray(embedder.embed([question, *(c.text for c in found)]), dtype=float)
        for c, sim in zip(found, vectors[1:] @ vectors[0], strict=True):
            c.dense = float(sim)
    for c in found:
        c.lexical = sum(w for t, w in weights.items() if t in c.terms) / total
        c.prior = (top[c.passage].score - low) / (high - low) if high > low else 1.0
        c.specific = is_specific(c.text)
        c.asked = wanted is not None
        c.typed = _has_type(c.text, wanted)
    return found


def rank(found: Sequence[Candidate], config: AnswerConfig) -> list[Candidate]:
    """Score candidates with ``config``'s weights; returns new candidates, best first."""
    scored = [
        dataclasses.replace(
            c,
            score=config.dense_weight * c.dense
            + config.lexical_weight * c.lexical
            + config.passage_weight * c.prior
            + config.type_weight * (c.asked and c.typed)
            + config.specific_weight * c.specific,
        )
        for c in found
    ]
    scored.sort(key=lambda c: (-c.score, c.passage, c.position))
    return scored


def candidates(
    question: str,
    hits: Sequence[Hit],
    *,
    embedder: Embedder | None = None,
    config: AnswerConfig | None = None,
) -> list[Candidate]:
    """Every distinct sentence of the top ``config.passages`` hits, scored, best first.

    ``config`` defaults to ``default_config(dense=embedder is not None)``.
    """
    config = config or default_config(dense=embedder is not None)
    found = sentence_features(question, hits, embedder=embedder, passages=config.passages)
    return rank(found, config)


def confidence(best: Candidate, config: AnswerConfig = DEFAULT_CONFIG) -> float:
    """How sure we are that ``best`` answers the question, in [0, 1].

    A logistic of the best sentence's similarity, term coverage, whether it states
    something specific (a rule, number or time) and whether it holds the kind of
    fact asked for.
    """
    z = (
        config.bias
        + config.conf_dense * best.dense
        + config.conf_lexical * best.lexical
        + config.conf_specific * best.specific
        + config.conf_typed * best.typed
    )
    return 1.0 / (1.0 + math.exp(-z))


def _document(hit: Hit) -> str:
    return str(hit.metadata.get("document_id", hit.chunk_id.rsplit(":", 1)[0]))


def _with_closest_documents(
    hits: Sequence[Hit], cited: Sequence[Hit], limit: int
) -> tuple[Hit, ...]:
    """``cited``, then the best hit of each further document, up to ``limit`` documents."""
    kept = list(cited)
    documents = {_document(h) for h in kept}
    for hit in hits:
        if len(documents) >= limit:
            break
        if _document(hit) not in documents:
            documents.add(_document(hit))
            kept.append(hit)
    return tuple(kept)


def _select(ranked: list[Candidate], config: AnswerConfig) -> list[list[Candidate]]:
    """Pick up to ``max_quote_sentences`` sentences; group consecutive ones of a passage.

    The best sentence, the next best ones while they score at least
    ``extra_sentence_ratio`` of it, then (room left) the sentence that follows the
    best one. Groups come passage by passage, the best sentence's passage first.
    """
    best = ranked[0]
    chosen = [best]
    for c in ranked[1:]:
        if len(chosen) == config.max_quote_sentences:
            break
        if c.score >= config.extra_sentence_ratio * best.score:
            chosen.append(c)
    after = next(
        (c for c in ranked if c.passage == best.passage and c.position == best.position + 1),
        None,
    )
    if (
        after is not None
        and after not in chosen
        and len(chosen) < config.max_quote_sentences
        and after.score >= config.follow_ratio * best.score
    ):
        chosen.append(after)  # what the best sentence goes on to say, for context
    groups: list[list[Candidate]] = []
    for passage in dict.fromkeys(c.passage for c in chosen):
        run: list[Candidate] = []
        for c in sorted((c for c in chosen if c.passage == passage), key=lambda c: c.position):
            if run and c.position != run[-1].position + 1:
                groups.append(run)
                run = []
            run.append(c)
        groups.append(run)
    return groups


def compose(
    ranked: Sequence[Candidate],
    hits: Sequence[Hit],
    config: AnswerConfig,
) -> Extract:
    """Decide and quote, given the candidates ``candidates`` scored with ``config``."""
    if not ranked:
        return Extract(False, 0.0, (), _with_closest_documents(hits, (), config.closest_documents))
    sure = confidence(ranked[0], config)
    if sure < config.min_confidence:
        return Extract(False, sure, (), _with_closest_documents(hits, (), config.closest_documents))
    cited: list[int] = []
    quotes: list[Quote] = []
    for group in _select(list(ranked), config):
        if group[0].passage not in cited:
            cited.append(group[0].passage)
        text = " ".join(c.text for c in group)
        quotes.append(Quote(text, cited.index(group[0].passage) + 1))
    sources = _with_closest_documents(hits, [hits[p] for p in cited], config.closest_documents)
    return Extract(True, sure, tuple(quotes), sources, len(cited))


def extract_answer(
    question: str,
    hits: Sequence[Hit],
    *,
    embedder: Embedder | None = None,
    config: AnswerConfig | None = None,
) -> Extract:
    """Compose an extractive answer to ``question`` from the retriever's ``hits``.

    Args:
        question: The user's question.
        hits: ``HybridRetriever.search`` results, best first.
        embedder: The retrieval embedder, for sentence similarity; None scores
            sentences lexically only (no model available).
        config: Weights and thresholds; by default ``DEFAULT_CONFIG`` with an
            embedder and ``LEXICAL_ONLY_CONFIG`` without.

    Returns:
        An ``Extract``; with ``found=False`` it carries no quotes but keeps the
        closest documents as ``sources`` so the caller can list them.
    """
    config = config or default_config(dense=embedder is not None)
    ranked = candidates(question, hits, embedder=embedder, config=config)
    return compose(ranked, hits, config)
