"""Service settings: environment variables (``SERVIO_*``), an optional TOML file, refusal of unsafe defaults.

Precedence, highest first: keyword arguments, environment variables, the
TOML file (``load_settings(path)`` or ``SERVIO_CONFIG_FILE``), the defaults.
Nothing is read at import time: build a :class:`Settings` when you need one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from servio.analyze.registry import DEFAULT_TAGGER

#: The secret every fresh checkout has; the service refuses it outside development mode.
DEFAULT_SECRET = "servio-development-secret-change-me"
#: The shortest secret accepted outside development mode.
MIN_SECRET_LENGTH = 32
#: Environment variable naming a TOML settings file.
CONFIG_FILE_ENV = "SERVIO_CONFIG_FILE"
#: When the dashboard's session cookie is Secure (``SERVIO_COOKIE_SECURE``).
CookiePolicy = Literal["auto", "always", "never"]


class UnsafeSettingsError(RuntimeError):
    """Settings the service refuses to start with (a default or short secret in production)."""


class Settings(BaseSettings):
    """Everything the service can be told; every field is also ``SERVIO_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="SERVIO_", extra="forbid", frozen=True)

    database_url: str = Field(default="sqlite:///./servio.db", description="SQLAlchemy URL of the store "
                              "(sqlite:///path or postgresql://user:pass@host/db).")
    mode: Literal["development", "production"] = Field(
        default="development", description="production refuses the default secret and keeps error details "
        "out of answers (they stay in the log).")
    secret_key: SecretStr = Field(default=SecretStr(DEFAULT_SECRET), description="Server secret mixed into "
                                  "the API token hashes; set it from the environment.")
    host: str = Field(default="127.0.0.1", description="Address `servio serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `servio serve` listens on.")
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024,
                                  description="Largest request body accepted.")
    max_json_depth: int = Field(default=32, ge=2, le=1000,
                                description="Deepest JSON nesting accepted in a body or WebSocket message.")
    rate_limit_per_minute: int = Field(default=600, ge=0, description="Requests per minute per token "
                                       "(or per client address without one); 0 switches the limit off.")
    cors_origins: str = Field(default="", description="Origins allowed by CORS, comma-separated (a list in "
                              "the TOML file); empty (the default) sends no CORS headers.")
    redact: bool = Field(default=True, description="Redact personal data (ID codes, IBANs, cards, phones, "
                         "e-mail) from imported conversations before they are stored.")
    live_session_ttl_seconds: int = Field(default=1800, ge=1, description="A live session idle this long is "
                                          "forgotten.")
    live_max_sessions: int = Field(default=10_000, ge=1, description="Live sessions kept at once; the least "
                                   "recently used goes first.")
    live_max_turns: int = Field(default=500, ge=1, description="Turns one live session may hold.")
    live_max_session_chars: int = Field(default=100_000, ge=1, description="Characters all turns of one "
                                        "live session may hold together (each turn re-tags the whole "
                                        "chat); a turn past it is refused with 422 on `text`.")
    live_max_sessions_per_user: int = Field(default=20, ge=1, description="Live sessions one user may hold "
                                            "at once; opening one more ends that user's least recently "
                                            "used session.")
    live_warm_up: bool = Field(default=True, description="Load the language models at start-up so that "
                               "the first live turn is not slow.")
    tagger: str = Field(default=DEFAULT_TAGGER, description="The stage tagger (a registered name) for "
                        "imports and live hints.")
    scorecard: str = Field(default="", description="A scorecard TOML file (docs/scorecard.md) that imports, "
                           "corrections and live hints score with; empty: servio's default scorecard.")
    retention_days: int = Field(default=0, ge=0, le=36_500, description="Delete conversations that started "
                                "more than this many days ago (imported, when the start is unknown), with "
                                "everything stored about them, and the import jobs that finished before "
                                "then, at start-up and then once a day; 0 keeps everything.")
    import_workers: int = Field(default=1, ge=1, le=256, description="Worker processes that analyse each "
                                "batch of an import (the results are the same; more use more cores and "
                                "memory, each worker holding its own copy of the tagger).")
    auth_cache_seconds: float = Field(10.0, ge=0, description="How long a checked token is trusted without "
                                      "asking the database again (0: always ask).")
    trusted_proxies: str = Field(default="", description="Addresses of reverse proxies whose "
                                 "X-Forwarded-For names the client (comma-separated); empty trusts none.")
    cookie_secure: CookiePolicy | None = Field(
        default=None, description="When the dashboard's session cookie is Secure (and then named "
        "__Host-servio_token): always; never (a dashboard reached over plain HTTP); auto: when the request "
        "came over HTTPS, directly or from a proxy in trusted_proxies. Unset: always in production mode, "
        "auto in development.")
    api_docs: bool | None = Field(
        default=None, description="Serve the API's documentation pages /docs (Swagger UI) and /redoc "
        "(ReDoc), which need no sign-in and run their scripts on the dashboard's origin; /openapi.json is "
        "served either way. Unset: on in development mode, off in production.")
    auto_migrate: bool = Field(default=True, description="Bring the database schema up to date at start-up.")
    open_dashboard: bool = Field(default=False, description="Development only: anyone who reaches the "
                                 "dashboard (/ui) is a reviewer without a token. Refused in production.")

    @field_validator("tagger")
    @classmethod
    def _known_tagger(cls, value: str) -> str:
        """Refused at start-up, as the command line refuses --tagger: a server with an unknown tagger
        said ok and then failed every conversation of every import and every live session."""
        from servio.analyze.registry import available_taggers, has_tagger

        if not has_tagger(value):
            raise ValueError(f"unknown tagger {value!r} (available: {', '.join(available_taggers())})")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _join_origins(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return value

    @property
    def origins(self) -> list[str]:
        """The CORS origins as a list."""
        return [part.strip() for part in self.cors_origins.split(",") if part.strip()]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keywords, then environment, then the TOML file (if the subclass names one)."""
        toml_file = settings_cls.model_config.get("toml_file")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)

    @property
    def development(self) -> bool:
        """Whether the service runs in development mode."""
        return self.mode == "development"

    @property
    def cookie_policy(self) -> CookiePolicy:
        """When the dashboard's session cookie is Secure: ``cookie_secure``, else the mode's default.

        Production says ``always``: behind a TLS-terminating proxy (the usual deployment) servio sees plain
        HTTP unless the proxy is in ``trusted_proxies`` and sends ``X-Forwarded-Proto``, so ``auto`` would
        quietly leave the cookie without Secure there. Development says ``auto``: ``make run`` and the
        tests talk plain HTTP, where a browser would not keep a Secure cookie.
        """
        return self.cookie_secure or ("auto" if self.development else "always")

    @property
    def docs_enabled(self) -> bool:
        """Whether ``/docs`` and ``/redoc`` are served: ``api_docs``, else in development mode only."""
        return self.api_docs if self.api_docs is not None else self.development

    def ensure_safe(self) -> None:
        """Raise :class:`UnsafeSettingsError` if these settings must not serve: production mode with the
        default secret, a short one or an open dashboard; development mode on an address other machines
        reach (its known default secret and its error details would reach the network)."""
        if self.development:
            if not _loopback(self.host):
                raise UnsafeSettingsError(
                    f"refusing to listen on {self.host} in development mode, which has a known secret key "
                    "and shows error details: listen on 127.0.0.1, or set SERVIO_MODE=production and "
                    "SERVIO_SECRET_KEY")
            return
        if self.open_dashboard:
            raise UnsafeSettingsError("refusing to start in production mode with an open dashboard; "
                                      "unset SERVIO_OPEN_DASHBOARD")
        secret = self.secret_key.get_secret_value()
        if secret == DEFAULT_SECRET:
            raise UnsafeSettingsError("refusing to start in production mode with the default secret key; "
                                      "set SERVIO_SECRET_KEY")
        if len(secret) < MIN_SECRET_LENGTH:
            raise UnsafeSettingsError(f"refusing to start in production mode: SERVIO_SECRET_KEY must have "
                                      f"at least {MIN_SECRET_LENGTH} characters")


def _loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from ``overrides``, the environment and a TOML file (``config_file``, $SERVIO_CONFIG_FILE)."""
    path = config_file or os.environ.get(CONFIG_FILE_ENV)
    if not path:
        return Settings(**overrides)
    if not Path(path).is_file():
        raise FileNotFoundError(f"settings file {path} does not exist")

    class _FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=str(path))

    loaded = _FromFile(**overrides)
    return Settings.model_construct(**{name: getattr(loaded, name) for name in Settings.model_fields})
