"""The ``back-coach`` command that ``pip install .`` gives (pyproject's [project.scripts]).

back-coach run            run the bot, as ``python bot.py`` (polling, or the webhook)
back-coach console        chat with the bot in this terminal, as ``python bot.py --console``
back-coach migrate        bring the database to the newest schema, then stop
back-coach check-config   say what the settings are and what is wrong with them (never
                          the token or the webhook secret); exit status 0 when all is well
back-coach healthcheck    ask the running bot's /healthz (the image's HEALTHCHECK), in
                          webhook mode and in polling mode with METRICS_PORT; 0 when healthy
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import urllib.request
from collections.abc import Mapping
from datetime import date
from pathlib import Path

# BotFather's tokens: the bot's id, a colon, 35 characters of A-Z a-z 0-9 _ -.
TOKEN = re.compile(r"(\d{1,20}):[A-Za-z0-9_-]{30,}")


def main(argv: list[str] | None = None) -> int:
    """The command's entry point; the exit status."""
    parser = argparse.ArgumentParser(
        prog="back-coach", description="Back Coach, a Telegram coach for lower back pain"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (settings from the environment or .env)")
    console = commands.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--date", type=date.fromisoformat, help="the first day (YYYY-MM-DD)")
    console.add_argument("--database", type=Path, help="the console's database file")
    console.add_argument("--language", help="the person's Telegram app language (en, ru, es)")
    commands.add_parser("migrate", help="bring the database to the newest schema")
    commands.add_parser("check-config", help="check the settings and say what was found")
    commands.add_parser("healthcheck", help="ask the running bot's /healthz (exit 0: healthy)")
    args = parser.parse_args(argv)
    if args.command == "healthcheck":  # every 30 s in a container: it imports nothing more
        return healthcheck(os.environ)
    import bot

    bot.keep_files_private()  # `migrate` creates the database too
    if args.command == "run":
        return bot.main([])
    if args.command == "console":
        extra = [f"--date={args.date}"] if args.date else []
        extra += [f"--database={args.database}"] if args.database else []
        extra += [f"--language={args.language}"] if args.language else []
        return bot.main(["--console", *extra])
    if args.command == "migrate":
        return migrate()
    return check_config()


def health_url(env: Mapping[str, str]) -> str | None:
    """Where the bot that ``env`` configures answers /healthz: the webhook's server in
    webhook mode, the metrics server in polling mode with METRICS_PORT; None without one."""
    if env.get("WEBHOOK_URL"):
        host, port = env.get("WEBHOOK_LISTEN", "0.0.0.0"), env.get("WEBHOOK_PORT", "8080")
    elif env.get("METRICS_PORT"):
        host, port = env.get("METRICS_LISTEN", "127.0.0.1"), env["METRICS_PORT"]
    else:
        return None
    if host in ("", "0.0.0.0", "::"):  # every address: this machine's own will do
        host = "127.0.0.1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/healthz"


def healthcheck(env: Mapping[str, str]) -> int:
    """0 when the running bot's /healthz answers 200 (its settings from ``env``), else 1."""
    url = health_url(env)
    if url is None:
        print(
            "No health endpoint: in polling mode set METRICS_PORT to serve /healthz.",
            file=sys.stderr,
        )
        return 1
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with direct.open(url, timeout=4) as answer:
            healthy = answer.status == 200
    except (OSError, ValueError) as exc:  # refused, timed out, or 503 (an HTTPError)
        print(f"{url}: {exc}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


def migrate() -> int:
    """Apply every migration to DATABASE_URL's database (bot.py does it at each start)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bootstrap import Settings
    from bot import EXIT_DATABASE
    from storage.unit_of_work import open_store

    url = Settings().database_url

    async def upgrade() -> None:
        store = await open_store(url)
        await store.close()

    where = make_url(url).render_as_string(hide_password=True)
    try:
        asyncio.run(upgrade())
    except SQLAlchemyError as exc:
        print(f"Migrating {where} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    print(f"The database {where} has the newest schema.")
    return 0


def check_config() -> int:
    """Print each setting that matters and what is wrong; EXIT_SETTINGS if anything is."""
    from pydantic import ValidationError

    from bootstrap import Settings
    from bot import EXIT_SETTINGS, describe_invalid

    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"A setting is wrong:\n{describe_invalid(exc)}")
        return EXIT_SETTINGS
    lines: list[str] = []
    problems: list[str] = []
    _check_token(settings.token if settings.telegram_bot_token else None, lines, problems)
    _check_database(settings.database_url, lines, problems)
    _check_mode(settings, lines, problems)
    lines.append(f"logging: {settings.log_level.upper()}, {settings.log_format}")
    paid = settings.paid_broadcast_rate
    lines.append(
        f"reminders: {settings.dispatch_rate:g} a second"
        + (
            f", and up to {paid} paid broadcasts a second at a peak (0.1 Star each at most)"
            if paid
            else "; paid broadcasts off"
        )
    )
    print("\n".join(lines))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("All settings look right." if not problems else f"{len(problems)} problem(s) found.")
    return EXIT_SETTINGS if problems else 0


def _check_token(token: str | None, lines: list[str], problems: list[str]) -> None:
    if not token or not token.strip():
        lines.append("token: not set")
        problems.append("TELEGRAM_BOT_TOKEN is not set (ask @BotFather for one)")
        return
    found = TOKEN.fullmatch(token.strip())
    if found is None:
        lines.append("token: set, but not in BotFather's form")
        problems.append("TELEGRAM_BOT_TOKEN does not look like 123456:ABC… from @BotFather")
        return
    lines.append(f"token: set, bot id {found.group(1)}")


def _check_database(url: str, lines: list[str], problems: list[str]) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from services.health import url_problem

    try:
        where = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        lines.append("database: DATABASE_URL is no SQLAlchemy URL")
        problems.append("DATABASE_URL is not a database URL")
        return
    problem, note = asyncio.run(url_problem(url))
    lines.append(f"database: {where} ({problem or note})")
    if problem:
        problems.append(f"the database cannot be used: {problem}")


def _check_mode(settings: object, lines: list[str], problems: list[str]) -> None:
    from bootstrap import Settings
    from conversations.web import Webhook, webhook_problems

    assert isinstance(settings, Settings)
    if settings.webhook_url:
        webhook = Webhook(settings.webhook_url, settings.secret or "")
        secret = f"{len(webhook.secret)} characters" if webhook.secret else "not set"
        lines.append(f"mode: webhook at {webhook.url} (secret {secret})")
        lines.append(
            f"listening: {settings.webhook_listen}:{settings.webhook_port} "
            f"(webhook at {webhook.path}, /healthz, /metrics)"
        )
        problems.extend(webhook_problems(settings.webhook_url, settings.secret))
        return
    lines.append("mode: polling")
    if settings.metrics_port is None:
        lines.append("health and metrics: off (set METRICS_PORT to serve /healthz, /metrics)")
    else:
        lines.append(
            f"health and metrics: {settings.metrics_listen}:{settings.metrics_port} "
            "(/healthz, /metrics)"
        )


if __name__ == "__main__":
    sys.exit(main())
