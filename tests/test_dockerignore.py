"""What `docker build` sends (compose builds with the repository as its context): never a
.env with the token, the webhook secret or PostgreSQL's password, never a database; always
what the Dockerfile installs from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dockerignore import context, excluded, rules

ROOT = Path(__file__).resolve().parents[1]
RULES = rules((ROOT / ".dockerignore").read_text())

SECRETS = [
    ".env",
    "deploy/.env",
    "deploy/.env.production",
    "deploy/production.env",
    "somewhere/deep/.env",
    "data/backcoach.sqlite3",
    "deploy/data/backcoach.sqlite3-wal",
    "console-data/console.sqlite3",
    ".backcoach-database",
]
EXAMPLES = [".env.example", "deploy/env.example"]


@pytest.mark.parametrize(
    ("ignore", "path", "left_out"),
    [
        (".env", ".env", True),
        (".env", "deploy/.env", False),  # Docker: no **/, the root only
        ("**/.env", "deploy/.env", True),
        ("**/.env", ".env", True),
        ("data", "data/backcoach.sqlite3", True),  # a directory takes its files along
        ("*/temp*", "somedir/temporary.txt", True),  # Docker's documentation's examples
        ("*/temp*", "temporary.txt", False),
        ("*/*/temp*", "a/b/temp.txt", True),
        ("temp?", "temp1", True),
        ("temp?", "temp12", False),
        ("*.md\n!README*.md", "README.md", False),  # the last matching rule wins
        ("*.md\n!README*.md\nREADME-secret.md", "README-secret.md", True),
    ],
)
def test_the_rules_are_read_as_docker_reads_them(ignore: str, path: str, left_out: bool) -> None:
    assert excluded(path, rules(ignore)) is left_out


def plant(root: Path, paths: list[str]) -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("TELEGRAM_BOT_TOKEN=123456:secret\n")


def test_no_env_file_or_database_anywhere_is_sent_the_examples_are(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text((ROOT / ".dockerignore").read_text())
    plant(tmp_path, [*SECRETS, *EXAMPLES])
    assert sorted(context(tmp_path, RULES)) == sorted([".dockerignore", *EXAMPLES])


def test_the_old_rules_sent_deploy_env_into_the_image(tmp_path: Path) -> None:
    """Before: `.env` at the root only, so compose's build copied deploy/.env."""
    plant(tmp_path, SECRETS)
    old = rules(".git\n.venv\n.cache\n.env\ndata\nconsole-data\n.backcoach-database*\n")
    assert "deploy/.env" in set(context(tmp_path, old))


def test_the_repository_sends_what_the_image_installs_and_no_secret() -> None:
    sent = set(context(ROOT, RULES))
    needed = {
        "pyproject.toml", "README.md", "LICENSE", "requirements.lock", "bot.py",
        "bootstrap.py", "deploy/Dockerfile", "coach/program.toml",
        "coach/locale/ru/LC_MESSAGES/messages.mo", "coach/locale/es/LC_MESSAGES/messages.mo",
        "storage/alembic.ini", "coach/data/places.sqlite",
    }  # fmt: skip
    assert needed <= sent
    names = {Path(path).name for path in sent}
    assert not {name for name in names if name == ".env" or name.startswith(".env.")} - {
        ".env.example"
    }
    assert not [path for path in sent if ".sqlite3" in path or path.startswith("tests/")]
