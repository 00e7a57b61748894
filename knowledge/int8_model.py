"""Building the int8 all-MiniLM-L6-v2 model: fused attention, int8 weights, checked.

``build_int8_model`` rewrites each self-attention block into ONNX Runtime's
``MultiHeadAttention`` kernel (checked against the original graph on probe texts),
quantises the weight matrices to int8 and keeps the result only if its probe vectors
stay within ``MIN_INT8_COSINE`` of the fp32 ones. ``MiniLMEmbedder`` calls it once
and caches the file under ``cached_model_path``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.embedding import MAX_TOKENS, MODEL_NAME, run_session, session_options

logger = logging.getLogger(__name__)

MIN_INT8_COSINE = 0.95  # an int8 build whose probe vectors stray further is refused
OPTIMISATION_RECIPE = "mha-fusion+int8-matmul-perchannel-reducerange-v1"  # in the cache key
PROBE_TEXTS = (
    "When is the code freeze for the next release?",
    "ok",
    "The steering council approves change requests above the budget threshold; the "
    "release manager freezes the branch two days before shipping and runs the suite.",
    "Risks, assumptions, issues and dependencies are reviewed weekly. " * 30,
)


def _file_fingerprint(path: Path) -> str:
    """What identifies a model file without reading its 90 MB: its resolved path, size,
    modification time, and a hash of its first and last MiB."""
    stat = path.stat()
    digest = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    with path.open("rb") as handle:
        digest.update(handle.read(1 << 20))
        handle.seek(max(0, stat.st_size - (1 << 20)))
        digest.update(handle.read())
    return digest.hexdigest()


def cached_model_path(model_dir: Path, cache_dir: Path) -> Path:
    """File name of the int8 model for ``model_dir`` (the file, recipe and library versions).

    Cheap at every start: neither the model is hashed whole nor ``onnx`` imported.
    """
    from importlib.metadata import version

    key = hashlib.sha256(
        "|".join(
            [
                _file_fingerprint(model_dir / "model.onnx"),
                OPTIMISATION_RECIPE,
                version("onnxruntime"),
                version("onnx"),
            ]
        ).encode()
    ).hexdigest()[:16]
    return cache_dir / f"{MODEL_NAME}-{key}-int8.onnx"


def fuse_attention(model: Any, num_heads: int) -> int:
    """Rewrite each self-attention block of a BERT export into one ``MultiHeadAttention``.

    Matches, from each ``Softmax``: scores = (Q·scale) @ (Kᵀ·scale) + mask term, an
    optional NaN guard, probabilities @ V, then the reshapes back to (batch, seq,
    hidden). Q, K and V are the projections' outputs; the padding mask becomes the
    kernel's ``key_padding_mask``. Edits ``model`` (an ``onnx.ModelProto``) in place,
    drops the nodes left unused and returns the number of blocks fused.

    Raises:
        ValueError: a block does not have the expected shape (the model is then unusable).
    """
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            for attribute in node.attribute:
                if attribute.name == "value":
                    constants[node.output[0]] = numpy_helper.to_array(attribute.t)
    producer = {out: node for node in graph.node for out in node.output}
    consumers: dict[str, list[Any]] = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)

    def scalar(name: str) -> float | None:
        value = constants.get(name)
        return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None

    def projection(name: str) -> tuple[str, float]:
        """Walk back through reshapes, transposes and scalar scaling to Q, K or V."""
        scale = 1.0
        while (node := producer.get(name)) is not None:
            if node.op_type in ("Reshape", "Transpose"):
                name = node.input[0]
            elif node.op_type in ("Mul", "Div") and scalar(node.input[1]) is not None:
                factor = scalar(node.input[1]) or 0.0
                scale = scale * factor if node.op_type == "Mul" else scale / factor
                name = node.input[0]
            else:
                break
        return name, scale

    def only(nodes: list[Any], op_types: tuple[str, ...], what: str) -> Any:
        found = [n for n in nodes if n.op_type in op_types]
        if len(found) != 1:
            raise ValueError(f"attention block: expected one {what}, found {len(found)}")
        return found[0]

    mask = "livepmo_key_padding_mask"
    fused: dict[str, Any] = {}  # name of the block's output -> MultiHeadAttention node
    for softmax in [n for n in graph.node if n.op_type == "Softmax"]:
        add = producer.get(softmax.input[0])
        if add is None or add.op_type != "Add":
            raise ValueError("attention block: softmax input is not scores + mask")
        scores = only([producer[i] for i in add.input if i in producer], ("MatMul",), "QKᵀ")
        query, query_scale = projection(scores.input[0])
        key, key_scale = projection(scores.input[1])
        probabilities = softmax.output[0]
        guard = [n for n in consumers[probabilities] if n.op_type == "Where"]
        if guard:  # Where(IsNaN(p), 0, p): never true here, every text has [CLS] and [SEP]
            probabilities = only(guard, ("Where",), "NaN guard").output[0]
        context = only(consumers[probabilities], ("MatMul",), "probabilities·V")
        value, value_scale = projection(context.input[1])
        if value_scale != 1.0 or query_scale * key_scale <= 0:
            raise ValueError("attention block: unexpected scaling")
        output = context.output[0]
        while True:  # (batch, heads, seq, head) back to (batch, seq, hidden)
            following = [n for n in consumers[output] if n.op_type != "Shape"]
            if len(following) != 1 or following[0].op_type not in ("Reshape", "Transpose"):
                break
            output = following[0].output[0]
        if output == context.output[0]:
            raise ValueError("attention block: no reshape back to (batch, seq, hidden)")
        fused[output] = helper.make_node(
            "MultiHeadAttention",
            [query, key, value, "", mask],
            [f"livepmo_attention_{len(fused)}"],
            domain="com.microsoft",
            num_heads=num_heads,
            scale=query_scale * key_scale,
            name=f"livepmo_attention_{len(fused)}",
        )
    if not fused:
        raise ValueError("no attention block found")
    renamed = {old: node.output[0] for old, node in fused.items()}
    nodes = [helper.make_node("Cast", ["attention_mask"], [mask], to=TensorProto.INT32)]
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = renamed.get(name, name)
        nodes.append(node)
        nodes.extend(fused[out] for out in node.output if out in fused)
    live = {out.name for out in graph.output}
    kept = []
    for node in reversed(nodes):  # nodes are in topological order
        if any(out in live for out in node.output):
            kept.append(node)
            live.update(name for name in node.input if name)
    del graph.node[:]
    graph.node.extend(reversed(kept))
    unused = [t for t in graph.initializer if t.name not in live]
    for tensor in unused:
        graph.initializer.remove(tensor)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return len(fused)


def _num_heads(model_dir: Path) -> int:
    try:
        return int(json.loads((model_dir / "config.json").read_text())["num_attention_heads"])
    except (OSError, ValueError, KeyError, TypeError):
        return 12  # all-MiniLM-L6-v2


def build_int8_model(model_dir: Path, target: Path, *, threads: int = 1) -> str:
    """Write the fused, int8-quantised model to ``target``; return what was done.

    The fused fp32 graph must reproduce the original's vectors (to 1e-4) or the
    fusion is skipped; the int8 model's probe vectors must keep cosine
    ``MIN_INT8_COSINE`` to the original's or nothing is written (``ValueError``).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = model_dir / "model.onnx"
    reference = _ProbeRunner(model_dir, source.read_bytes(), threads)
    expected = reference.vectors()
    model = onnx.load(str(source))
    steps = []
    try:
        blocks = fuse_attention(model, _num_heads(model_dir))
        fused = _ProbeRunner(model_dir, model.SerializeToString(), threads).vectors()
        error = float(np.abs(fused - expected).max())
        if error > 1e-4:
            raise ValueError(f"fused graph differs from the original by {error:.2g}")
        steps.append(f"attention fused in {blocks} layers")
    except Exception as exc:  # the export may differ: quantise the original graph
        logger.warning("embedding model: attention not fused (%s); quantising as is", exc)
        model = onnx.load(str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=target.name, suffix=".partial", dir=target.parent)
    os.close(handle)
    quiet = _DropRecordsFrom("onnxruntime")  # the quantiser logs per tensor on the root logger
    logging.getLogger().addFilter(quiet)
    try:
        quantize_dynamic(
            model,
            partial,
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            reduce_range=True,  # 7-bit weights: no u8·s8 overflow on AVX2 without VNNI
            weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        runner = _ProbeRunner(model_dir, Path(partial).read_bytes(), threads)
        quantised = runner.vectors(padded_batch=False)  # int8 texts are embedded one by one
        cosine = float((quantised * expected[: len(quantised)]).sum(axis=1).min())
        if cosine < MIN_INT8_COSINE:
            raise ValueError(f"int8 probe vectors too far from fp32 (cosine {cosine:.4f})")
        os.chmod(partial, 0o644)  # mkstemp makes it private; it is no secret
        os.replace(partial, target)  # atomic: other processes see all or nothing
    finally:
        logging.getLogger().removeFilter(quiet)
        Path(partial).unlink(missing_ok=True)
    steps.append(f"int8 weights (probe cosine >= {cosine:.4f})")
    return ", ".join(steps)


class _DropRecordsFrom(logging.Filter):
    def __init__(self, package: str) -> None:
        super().__init__()
        self.marker = f"{os.sep}{package}{os.sep}"

    def filter(self, record: logging.LogRecord) -> bool:
        return self.marker not in record.pathname


class _ProbeRunner:
    """Embeds ``PROBE_TEXTS`` in one padded batch with a given model (for build checks)."""

    def __init__(self, model_dir: Path, model: bytes, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        self.session = ort.InferenceSession(
            model, sess_options=session_options(ort, threads), providers=["CPUExecutionProvider"]
        )

    def vectors(self, *, padded_batch: bool = True) -> np.ndarray:
        """One row per probe text run alone, then (``padded_batch``) the same as one batch."""
        encodings = self.tokenizer.encode_batch(list(PROBE_TEXTS))
        inputs = {i.name for i in self.session.get_inputs()}
        rows = [run_session(self.session, inputs, [e]) for e in encodings]
        if padded_batch:  # exercises the padding mask
            rows.append(run_session(self.session, inputs, encodings))
        return np.vstack(rows)
