"""The answer model: which sentence answers, and how sure to be. Two small logistic
models fitted on labelled questions (``benchmarks/answer_fit.py``), stored as JSON.

* Selection — a conditional logit over a question's candidates: a sentence's score
  is ``weights · features`` (``knowledge.evidence.FEATURES``), and the softmax over
  the candidates is the probability that each one is the answer.
* Question–sentence classifier (``pair``, with the embedding model only) — a logistic
  regression on the product and absolute difference of the question's and a
  sentence's MiniLM vectors, fitted on evidence sentences against the best-ranked
  others: P(this sentence answers), whatever the other candidates.
* Confidence — a logistic regression giving P(the documents answer the question)
  from ``CONFIDENCE_FEATURES``: how much of the probability sits on sentences holding
  the kind of fact asked for, whether a question about the present state ("who is
  the chair now?") finds no sentence that states one, and how much sits on sentences
  the classifier believes answer. Near-misses — the topic is covered, the asked fact
  is not — look as relevant as answerable questions: the best sentence's probability
  and score separate them in opposite directions on the two dev sets, these
  answer-level signals in the same one (``benchmarks/answer_fit.py``).

Both fits are plain Newton's method with an L2 penalty (no dependency beyond numpy).
``answer_at`` and ``unsure_at`` split the confidence into an answer, an honest "not
sure" with the closest passage, and "not found". There is one model with the
embedding model (``hybrid``) and one without (``lexical``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from knowledge.evidence import FEATURES, Candidate, Candidates

CONFIDENCE_FEATURES = ("typed_share", "present_unmet", "pair_support")
PRESENT_WITHIN = 3
"""A present-state question wants one of this many best sentences to state one."""
PAIR_NEGATIVES = 20
"""The classifier learns evidence sentences against this many best-ranked others."""
MODEL_FILE = Path(__file__).with_name("answer_model.json")


@dataclass(frozen=True)
class AnswerModel:
    """Fitted weights and the thresholds chosen with them."""

    selection: dict[str, float]
    """Weight per feature name (a missing feature weighs 0)."""
    confidence: dict[str, float]
    """Weight per confidence feature (standardised) and ``"bias"``."""
    mean: dict[str, float] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)
    answer_at: float = 0.5
    """Confidence from which the best sentences are given as the answer."""
    unsure_at: float = 0.5
    """Confidence from which the closest passage is shown, with a caveat."""
    extra_share: float = 0.5
    """Another sentence is quoted when its probability is at least this share of the best's."""
    pair: list[float] = field(default_factory=list)
    """Question–sentence classifier: weights over ``q * s`` and ``|q - s|``, then the bias
    (empty: none, as without the embedding model)."""

    def rank(self, found: Candidates) -> list[Candidate]:
        """Candidates scored (``score``: log-odds), best first."""
        if not found.items:
            return []
        weights = np.array([self.selection.get(name, 0.0) for name in FEATURES])
        for candidate, score in zip(found.items, found.matrix() @ weights, strict=True):
            candidate.score = float(score)
        return sorted(found.items, key=lambda c: (-c.score, c.passage, c.position))

    def sure(self, ranked: Sequence[Candidate], found: Candidates) -> float:
        """P(the passages answer the question), from the ranked candidates."""
        if not ranked:
            return 0.0
        values = confidence_features(ranked, found, self.pair)
        z = self.confidence.get("bias", 0.0)
        for name, value in values.items():
            if value is None:  # no vectors to read: the fitting questions' mean
                continue
            standard = (value - self.mean.get(name, 0.0)) / (self.scale.get(name, 1.0) or 1.0)
            z += self.confidence.get(name, 0.0) * standard
        return float(1.0 / (1.0 + np.exp(-z)))


def probabilities(ranked: Sequence[Candidate]) -> np.ndarray:
    """Softmax of the candidates' scores, in the order given."""
    scores = np.array([c.score for c in ranked])
    weights = np.exp(scores - scores.max())
    return weights / weights.sum()


def pair_inputs(question: np.ndarray, sentences: np.ndarray) -> np.ndarray:
    """The classifier's inputs: ``q * s`` and ``|q - s|`` per sentence vector (rows)."""
    q = np.asarray(question, dtype=np.float32)[None, :]
    s = np.asarray(sentences, dtype=np.float32)
    return np.hstack([q * s, np.abs(q - s)])


def pair_scores(
    candidates: Sequence[Candidate], found: Candidates, weights: Sequence[float]
) -> np.ndarray | None:
    """The classifier's log-odds per candidate, or None: no classifier, no vectors, or
    vectors of another size than the model it was fitted with (another embedder)."""
    vectors = [c.vector for c in candidates]
    question = found.question_vector
    if not weights or not candidates or question is None or any(v is None for v in vectors):
        return None
    if 2 * len(question) + 1 != len(weights):
        return None
    w = np.asarray(weights, dtype=np.float32)
    return pair_inputs(question, np.stack(vectors)) @ w[:-1] + w[-1]


def confidence_features(
    ranked: Sequence[Candidate], found: Candidates, pair: Sequence[float] = ()
) -> dict[str, float | None]:
    """``CONFIDENCE_FEATURES`` of a question's ranked candidates (best first);
    ``pair_support`` is None when the classifier cannot be read (0 without one)."""
    p = probabilities(ranked)
    typed_share = float(sum(pi for pi, c in zip(p, ranked, strict=True) if c.typed))
    unmet = found.present and not any(c.present for c in ranked[:PRESENT_WITHIN])
    scores = pair_scores(ranked, found, pair)
    support = None if scores is None else float(p @ (1 / (1 + np.exp(-scores))))
    return {
        "typed_share": typed_share if found.asked is not None else 1.0,
        "present_unmet": float(unmet),
        "pair_support": support if pair else 0.0,
    }


# -- storage -----------------------------------------------------------------


def save_models(models: dict[str, AnswerModel], path: Path, **notes: object) -> None:
    """Write ``{"hybrid": ..., "lexical": ...}`` (and notes such as the data used)."""
    payload = {**notes, **{mode: asdict(model) for mode, model in models.items()}}
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")


def load_models(path: Path = MODEL_FILE) -> dict[str, AnswerModel]:
    """The models stored at ``path`` by mode (``hybrid``, ``lexical``)."""
    payload = json.loads(path.read_text())
    return {mode: AnswerModel(**payload[mode]) for mode in ("hybrid", "lexical") if mode in payload}


@cache
def _shipped() -> dict[str, AnswerModel]:
    return load_models(MODEL_FILE)


_override: dict[str, AnswerModel] = {}


def default_model(*, dense: bool) -> AnswerModel:
    """The shipped model for hybrid (``dense``) or lexical-only answering."""
    mode = "hybrid" if dense else "lexical"
    return _override.get(mode) or _shipped()[mode]


def use_models(models: dict[str, AnswerModel] | None) -> None:
    """Answer with ``models`` instead of the shipped ones in this process (None: reset).
    For benchmarks that score a model fitted on another data set."""
    _override.clear()
    _override.update(models or {})


# -- fitting -----------------------------------------------------------------


def _newton(objective, gradient_hessian, start: np.ndarray, iterations: int = 100) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Maximise a concave-ish objective by Newton steps with backtracking."""
    w, value = start, objective(start)
    for _ in range(iterations):
        gradient, hessian = gradient_hessian(w)
        try:
            step = -np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            step = gradient
        if step @ gradient <= 0:
            step = gradient  # not an ascent direction: plain gradient
        t = 1.0
        while t > 1e-8:
            candidate = w + t * step
            new = objective(candidate)
            if new >= value:
                break
            t /= 2
        else:
            return w
        if new - value < 1e-9:
            return candidate
        w, value = candidate, new
    return w


def fit_selection(
    groups: Sequence[tuple[np.ndarray, np.ndarray]], *, l2: float = 1.0
) -> dict[str, float]:
    """Conditional-logit weights from ``(features, is_answer)`` per question.

    Each question's likelihood is the softmax probability of its answer sentences
    (any of them); questions without one are skipped.
    """
    groups = [(x, y.astype(bool)) for x, y in groups if len(x) and y.any()]
    dimension = len(FEATURES)

    def lse(v: np.ndarray) -> float:
        top = float(v.max())
        return top + float(np.log(np.exp(v - top).sum()))

    def objective(w: np.ndarray) -> float:
        return sum(lse(x[y] @ w) - lse(x @ w) for x, y in groups) - 0.5 * l2 * float(w @ w)

    def gradient_hessian(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gradient, hessian = -l2 * w, -l2 * np.eye(dimension)
        for x, y in groups:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = np.where(y, p, 0.0)
            q /= q.sum()
            mean_p, mean_q = p @ x, q @ x
            gradient += mean_q - mean_p
            hessian += (x * q[:, None]).T @ x - np.outer(mean_q, mean_q)
            hessian -= (x * p[:, None]).T @ x - np.outer(mean_p, mean_p)
        return gradient, hessian

    w = _newton(objective, gradient_hessian, np.zeros(dimension))
    return {name: round(float(v), 4) for name, v in zip(FEATURES, w, strict=True)}


def fit_pair(inputs: np.ndarray, answers: np.ndarray, *, l2: float = 1.0) -> list[float]:
    """Classifier weights (then the bias) from ``pair_inputs`` rows and whether each answers."""
    return [round(float(v), 5) for v in _fit_logistic(inputs, answers, l2)]


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """L2-penalised logistic regression (the bias, last, unpenalised)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    y = np.asarray(y, dtype=float)
    penalty = np.r_[np.full(x.shape[1], l2), 0.0]

    def objective(w: np.ndarray) -> float:
        z = xb @ w
        return float(y @ z - np.logaddexp(0, z).sum() - 0.5 * (penalty * w) @ w)

    def gradient_hessian(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = 1 / (1 + np.exp(-(xb @ w)))
        return xb.T @ (y - p) - penalty * w, -(xb * (p * (1 - p))[:, None]).T @ xb - np.diag(
            penalty
        )

    return _newton(objective, gradient_hessian, np.zeros(xb.shape[1]))


def fit_confidence(
    rows: Sequence[dict[str, float]], answerable: Sequence[bool], *, l2: float = 1.0
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Logistic-regression weights (with ``"bias"``), means and scales for standardising."""
    x = np.array([[row[name] for name in CONFIDENCE_FEATURES] for row in rows], dtype=float)
    y = np.asarray(answerable, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    w = _fit_logistic((x - mean) / scale, y, l2)
    names = (*CONFIDENCE_FEATURES, "bias")
    return (
        {n: round(float(v), 4) for n, v in zip(names, w, strict=True)},
        {n: round(float(v), 6) for n, v in zip(CONFIDENCE_FEATURES, mean, strict=True)},
        {n: round(float(v), 6) for n, v in zip(CONFIDENCE_FEATURES, scale, strict=True)},
    )
