"""Settings read from the environment and an optional `.env` file.

A missing or malformed setting raises `ConfigError` with one line naming the
variable and what is expected; the CLI prints that line and exits.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./var/livepmo.db"
SLACK_DEFAULT_API_URL = "https://slack.com/api/"
SUPPORTED_DATABASES = ("sqlite", "postgresql")

# What each setting expects, used to turn validation errors into one readable line.
EXPECTED = {
    "slack_bot_token": "a bot token starting with 'xoxb-'",
    "slack_app_token": "an app-level token starting with 'xapp-'",
    "slack_api_url": "an http(s) URL such as https://slack.com/api/",
    "database_url": "a SQLite or PostgreSQL URL such as sqlite:///./var/livepmo.db "
    "or postgresql+psycopg://user@host/db",
    "livepmo_db_connect_timeout": "whole seconds, at least 1",
    "livepmo_db_statement_timeout": "whole seconds, at least 1",
    "livepmo_delivery_retention_hours": "whole hours, at least 1",
    "chroma_port": "a port number (1-65535)",
    "livepmo_timezone": "an IANA timezone name such as Europe/London",
    "livepmo_now": "an ISO 8601 timestamp with a UTC offset, e.g. 2026-11-23T09:00:00+00:00",
    "openai_base_url": "an http(s) URL such as https://api.openai.com/v1",
    "livepmo_embeddings": "'local' (all-MiniLM-L6-v2 on this machine) or 'openai'",
    "livepmo_interpreter": "'llm-first', 'offline-first' or 'offline-only'",
    "livepmo_answers": "'generative' or 'extractive'",
    "livepmo_llm_timeout": "seconds, more than 0",
    "livepmo_llm_retries": "a number of retries from 0 to 5",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    """Every knob of Live PMO; field names are the environment variables, lower-cased."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = SLACK_DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    chroma_path: Path = Path("./var/chroma")
    chroma_host: str | None = None
    chroma_port: int = 8000
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_embedding_model: str = "text-embedding-3-small"
    livepmo_embeddings: str = "local"
    livepmo_embedding_model_dir: Path | None = None
    livepmo_model_cache_dir: Path | None = None
    livepmo_fetch_model: bool = False  # no model configured: fetch it once at `livepmo run`
    livepmo_timezone: str = "UTC"
    livepmo_now: datetime | None = None
    livepmo_db_connect_timeout: int = 5
    livepmo_db_statement_timeout: int = 10
    livepmo_delivery_retention_hours: int = 24  # Slack retries and replays within minutes
    # The LLM layer (`bot.llm`): used only when OPENAI_API_KEY is set.
    livepmo_llm: bool = True  # false: never the chat model (e.g. a key for embeddings only)
    livepmo_interpreter: str = "llm-first"
    livepmo_answers: str = "generative"
    livepmo_llm_timeout: float = 8.0
    livepmo_llm_retries: int = 1
    livepmo_llm_tools: bool = True
    livepmo_llm_json_schema: bool = True
    livepmo_llm_max_tokens: int = 800  # written per request
    livepmo_llm_max_prompt_tokens: int = 16_000  # read per request, tools included (estimated)
    livepmo_llm_daily_tokens: int = 100_000

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xoxb-"):
            raise ValueError("bad prefix")
        return value or None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xapp-"):
            raise ValueError("bad prefix")
        return value or None

    @field_validator("slack_api_url", "openai_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("not a URL")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_slash(cls, value: str | None) -> str:
        value = value or SLACK_DEFAULT_API_URL
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url  # here: `livepmo --help` needs no database
        from sqlalchemy.exc import ArgumentError

        if "://" not in value:
            raise ValueError("not a URL")
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as exc:
            raise ValueError("not a URL") from exc
        if backend not in SUPPORTED_DATABASES:
            raise ValueError("unsupported database")
        return value

    @field_validator(
        "livepmo_db_connect_timeout",
        "livepmo_db_statement_timeout",
        "livepmo_delivery_retention_hours",
    )
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("too short")
        return value

    @field_validator("chroma_port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 0 < value < 65536:
            raise ValueError("out of range")
        return value

    @field_validator("livepmo_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown timezone") from exc
        return value

    @field_validator("livepmo_embeddings")
    @classmethod
    def _embeddings(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("local", "openai"):
            raise ValueError("unknown provider")
        return value

    @field_validator("livepmo_interpreter")
    @classmethod
    def _interpreter(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("llm-first", "offline-first", "offline-only"):
            raise ValueError("unknown mode")
        return value

    @field_validator("livepmo_answers")
    @classmethod
    def _answers(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("generative", "extractive"):
            raise ValueError("unknown mode")
        return value

    @field_validator("livepmo_llm_timeout")
    @classmethod
    def _llm_timeout(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("not positive")
        return value

    @field_validator("livepmo_llm_retries")
    @classmethod
    def _llm_retries(cls, value: int) -> int:
        if not 0 <= value <= 5:
            raise ValueError("out of range")
        return value

    @field_validator("livepmo_now")
    @classmethod
    def _now(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("no UTC offset")
        return value

    @property
    def slack_configured(self) -> bool:
        """True when there is enough to talk to Slack in some mode."""
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))

    @property
    def llm_configured(self) -> bool:
        """True when a chat model may be used (`OPENAI_API_KEY` is set and `LIVEPMO_LLM` is
        not false); else everything is offline."""
        return bool(self.openai_api_key) and self.livepmo_llm


def load_settings(**overrides: object) -> Settings:
    """Read settings now, raising `ConfigError` with one line on a bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        expected = EXPECTED.get(field, error["msg"])
        raise ConfigError(f"{field.upper()} is invalid: expected {expected}.") from None


@lru_cache(maxsize=1)
def cached_settings() -> Settings:
    """The process-wide settings (tests call `cached_settings.cache_clear()`)."""
    return load_settings()
