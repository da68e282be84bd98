"""Settings from the environment and `.env`.

The variable names are a contract (other tools and `.env.example` use them), so each field
carries its exact environment name as an alias; nothing is read by a prefix convention.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.urls import SQLITE_PREFIX, is_pg_url

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
AnalysisMode = Literal["local", "queue"]
#: Telegram's rule for setWebhook's secret_token (sent back in X-Telegram-Bot-Api-Secret-Token).
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LISTEN_RE = re.compile(r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]*):(?P<port>\d{1,5})$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and is shown as one line."""


def _default_workers() -> int:
    # One worker leaves a core for the event loop on the 2-core machines teams usually run on.
    return max(1, min(4, (os.cpu_count() or 2) - 1))


class Settings(BaseSettings):
    """All of Dossier's configuration. See `.env.example` for the meaning of each variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", alias="TELEGRAM_API_BASE_URL"
    )
    telegram_api_file_url: str = Field(
        default="https://api.telegram.org/file/bot", alias="TELEGRAM_API_FILE_URL"
    )
    database_url: str = Field(default="sqlite:///data/dossier.db", alias="DATABASE_URL")
    #: Tries of an unreachable PostgreSQL server at start-up (waits double from 1 s, at most 30 s).
    database_connect_attempts: int = Field(default=5, alias="DATABASE_CONNECT_ATTEMPTS", ge=1, le=100)
    allowed_user_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(), validation_alias=AliasChoices("ALLOWED_USER_IDS", "allowed_user_ids")
    )
    log_level: LogLevel = Field(default="INFO", alias="LOG_LEVEL")
    analysis_workers: int = Field(default_factory=_default_workers, alias="ANALYSIS_WORKERS", ge=0, le=64)
    fetch_allow_private: bool = Field(default=False, alias="FETCH_ALLOW_PRIVATE")
    fetch_timeout: float = Field(default=15.0, alias="FETCH_TIMEOUT", gt=0, le=120)
    fetch_max_bytes: int = Field(default=5_000_000, alias="FETCH_MAX_BYTES", gt=0)
    max_article_chars: int = Field(default=100_000, alias="MAX_ARTICLE_CHARS", ge=1000)
    multipart_window: float = Field(default=2.0, alias="MULTIPART_WINDOW", ge=0, le=60)
    user_rate_limit: int = Field(default=30, alias="USER_RATE_LIMIT", ge=1)
    #: IANA zone for digests (a chat that names none) and for the dates the bot shows.
    default_timezone: str = Field(default="UTC", alias="DEFAULT_TIMEZONE")
    #: Where articles are analysed: "local" (this process's worker pool) or "queue" (the bot only
    #: stores and queues them; `python -m bot worker` processes analyse and file them).
    analysis_mode: AnalysisMode = Field(default="local", alias="ANALYSIS_MODE")
    #: A worker gives up on one article after this many seconds (the article fails with the reason).
    analysis_timeout: float = Field(default=300.0, alias="ANALYSIS_TIMEOUT", gt=0, le=86400)
    #: A worker's claim on a job lasts this long unless renewed (it renews every third of it):
    #: a job whose worker died is retried this soon.
    analysis_claim_ttl: float = Field(default=60.0, alias="ANALYSIS_CLAIM_TTL", ge=1, le=3600)
    #: Claims of one job before it fails for good (a worker died on it every time).
    analysis_max_attempts: int = Field(default=3, alias="ANALYSIS_MAX_ATTEMPTS", ge=1, le=100)
    #: The alert sender and digest scheduler run in one process of the fleet, the holder of a lease
    #: that lasts LEASE_TTL seconds and is renewed every LEASE_RENEW seconds.
    lease_ttl: float = Field(default=15.0, alias="LEASE_TTL", gt=0, le=20)
    lease_renew: float = Field(default=3.0, alias="LEASE_RENEW", gt=0, le=5)
    #: `run --webhook`: the public HTTPS URL Telegram posts updates to (a load balancer in front
    #: of the replicas), the host:port each replica listens on, and the secret Telegram sends back.
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_listen: str = Field(default="0.0.0.0:8080", alias="WEBHOOK_LISTEN")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    #: Seconds a replica's claim on an inbox update lasts without renewal: after a replica dies,
    #: another handles its updates this much later.
    inbox_claim_timeout: float = Field(default=60.0, alias="INBOX_CLAIM_TIMEOUT", ge=0.5, le=3600)

    @field_validator("allowed_user_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, int):
            return (value,)
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            ids: list[int] = []
            for part in parts:
                try:
                    ids.append(int(part))
                except ValueError:
                    raise ValueError(f"{part!r} is not a numeric Telegram user id") from None
            return tuple(dict.fromkeys(ids))
        return value

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not (value.startswith(SQLITE_PREFIX) or is_pg_url(value)):
            raise ValueError("must be sqlite:///path (e.g. sqlite:///data/dossier.db) "
                             "or postgresql://user@host:port/dbname")
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value.startswith("https://") or len(value) <= len("https://"):
                raise ValueError("must be the public https:// URL Telegram posts to (Telegram requires HTTPS)")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        m = _LISTEN_RE.match(value.strip())
        if m is None or not 0 < int(m.group("port")) < 65536:
            raise ValueError("must be host:port, e.g. 0.0.0.0:8080 or 127.0.0.1:8443")
        return value.strip()

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str) and not SECRET_TOKEN_RE.match(text.strip()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)")
        return text.strip() if isinstance(text, str) else value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        name = value.strip()
        if name.upper() in ("UTC", "GMT", "Z", ""):
            return "UTC"
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name, e.g. Europe/Moscow or UTC") from None
        return name

    @model_validator(mode="after")
    def _lease_timing(self) -> Settings:
        # The holder stops starting sends once two renewals in a row failed (see bot/lease.py), and
        # that must still leave it time before the lease is free for another process.
        if self.lease_renew * 2 >= self.lease_ttl:
            raise ValueError(f"LEASE_RENEW ({self.lease_renew:g}) must be less than half of LEASE_TTL "
                             f"({self.lease_ttl:g})")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    @property
    def token(self) -> str | None:
        secret = self.telegram_bot_token
        value = secret.get_secret_value().strip() if secret is not None else ""
        return value or None

    @property
    def listen_address(self) -> tuple[str, int]:
        """WEBHOOK_LISTEN as (host, port); an empty host listens on every interface."""
        host, _, port = self.webhook_listen.rpartition(":")
        return host.strip("[]") or "0.0.0.0", int(port)

    @property
    def database_path(self) -> Path | None:
        """Filesystem path of the SQLite file, None for an in-memory or a PostgreSQL database."""
        if not self.database_url.startswith("sqlite:///"):
            return None
        rest = self.database_url.removeprefix("sqlite:///")
        return None if rest in ("", ":memory:") else Path(rest)


_ENV_NAMES = {
    name: (field.alias or name.upper()) for name, field in Settings.model_fields.items()
}


#: Settings whose value is never repeated in an error message.
_SECRET_FIELDS = frozenset({"telegram_bot_token", "webhook_secret", "TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET"})


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise ConfigError with one readable line per wrong variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            if not err["loc"]:  # a rule across variables: its message names them (input: every value)
                lines.append(str(err["msg"]).removeprefix("Value error, "))
                continue
            field = str(err["loc"][0])
            env = _ENV_NAMES.get(field, field)
            shown = "" if field in _SECRET_FIELDS else f" (got {err.get('input')!r})"
            lines.append(f"{env}: {err['msg']}{shown}")
        raise ConfigError("; ".join(lines)) from None


def require_token(settings: Settings) -> str:
    token = settings.token
    if token is None:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: put it in the environment or in .env "
            "(copy .env.example), or try the bot without Telegram: make console"
        )
    return token


def require_webhook(settings: Settings) -> tuple[str, str]:
    """WEBHOOK_URL and WEBHOOK_SECRET for `run --webhook`, or ConfigError saying which is missing."""
    missing = [name for name, value in (("WEBHOOK_URL", settings.webhook_url),
                                        ("WEBHOOK_SECRET", settings.webhook_secret)) if not value]
    if missing:
        raise ConfigError(
            f"{' and '.join(missing)} must be set for run --webhook: WEBHOOK_URL is the public https:// URL "
            "Telegram posts to, WEBHOOK_SECRET 1-256 characters of A-Z, a-z, 0-9, _ and - that Telegram "
            "sends back with every update (e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    return settings.webhook_url, settings.webhook_secret.get_secret_value()
