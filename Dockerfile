# syntax=docker/dockerfile:1
# Build stage: install the dependencies into a virtualenv, and put the embedding model
# in /opt/models so answers match on meaning, not only on keywords.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY alembic ./alembic
COPY bot ./bot
COPY skills ./skills
COPY knowledge ./knowledge
COPY prompts ./prompts
COPY scheduler ./scheduler
RUN pip install --upgrade pip && pip install -e .
# Bytecode now: the runtime stage writes none (PYTHONDONTWRITEBYTECODE), and compiling the
# sources at every start would add up to 0.2 s of CPU to each command (benchmarks.cold_start).
RUN python -m compileall -q bot skills knowledge prompts scheduler
# all-MiniLM-L6-v2 (ONNX): fetched with Chroma's download and checksum (needs internet;
# kept in a build cache, so a code change does not download it again), or, for an
# offline build, copied from a folder in the build context:
#   docker build --build-arg MODEL_DIR=models/all-MiniLM-L6-v2/onnx .
# (the folder holding model.onnx and tokenizer.json; not under var/, which is ignored).
ARG MODEL_DIR=""
RUN --mount=type=bind,target=/context \
    --mount=type=cache,id=livepmo-model,target=/root/.cache/livepmo-model \
    set -e; target=/opt/models/all-MiniLM-L6-v2/onnx; mkdir -p "$target"; \
    if [ -n "$MODEL_DIR" ]; then \
      source="/context/$MODEL_DIR"; \
      if [ ! -f "$source/model.onnx" ] || [ ! -f "$source/tokenizer.json" ]; then \
        echo "MODEL_DIR=$MODEL_DIR: no model.onnx and tokenizer.json in that folder of the build context" >&2; exit 1; \
      fi; \
    else \
      source=/root/.cache/livepmo-model/onnx; \
      livepmo model fetch --dir "$source"; \
    fi; \
    cp -r "$source/." "$target/"

# Runtime stage: the virtualenv, the source and the model, run as a non-root user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    LIVEPMO_EMBEDDING_MODEL_DIR=/opt/models/all-MiniLM-L6-v2/onnx LIVEPMO_FETCH_MODEL=true
RUN useradd --create-home --uid 10001 livepmo
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/models /opt/models
COPY --from=build --chown=livepmo:livepmo /app /app
RUN mkdir -p /app/var && chown livepmo:livepmo /app/var
USER livepmo
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"
CMD ["livepmo", "run", "--http", "--port", "3000"]
