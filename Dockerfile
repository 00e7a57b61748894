# syntax=docker/dockerfile:1
# Build stage: install the dependencies into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY skills ./skills
COPY knowledge ./knowledge
COPY prompts ./prompts
COPY scheduler ./scheduler
RUN pip install --upgrade pip && pip install -e .

# Runtime stage: the virtualenv and the source, run as a non-root user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN useradd --create-home --uid 10001 livepmo
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=livepmo:livepmo . .
RUN mkdir -p /app/var && chown livepmo:livepmo /app/var
USER livepmo
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"
CMD ["livepmo", "run", "--http", "--port", "3000"]
