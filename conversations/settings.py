"""Settings from the environment or `.env` (DESIGN.md §4). The token is a secret: never logged."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/backcoach.sqlite3"
TELEGRAM_API = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    """Back Coach's configuration."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_base_url: str = TELEGRAM_API
    log_level: str = "INFO"
    # Telegram long-poll timeout, seconds.
    poll_timeout: int = 30
    # Seconds between reminder dispatcher ticks, and reminders sent per second at most.
    dispatch_every: float = 20
    dispatch_rate: float = 25

    @property
    def token(self) -> str:
        """The bot token; callers must have checked it is set."""
        if self.telegram_bot_token is None:
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        return self.telegram_bot_token.get_secret_value()
