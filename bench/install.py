"""The runtime install's size: a fresh virtual environment outside the checkout, the
runtime lock installed into it as an operator would (``pip install -r requirements.lock``),
then the project's wheel; the size of what was installed, and of the largest packages.

Measured with ``du``'s apparent sizes of site-packages (pip's own files included, as in
any venv), after pip has compiled the bytecode, as the image and `pip install .` leave it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def _size(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            file = Path(folder) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


async def _run(*args: str, cwd: Path | None = None) -> None:
    # Nothing of the checkout: with it on PYTHONPATH, pip would find the project installed.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL"))}
    process = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed: {err.decode(errors='replace')[-2000:]}")


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


async def install(_database: Any, _sizes: Any) -> dict[str, float]:
    """Sizes in MB: the runtime lock's packages, and with the wheel on top."""
    with tempfile.TemporaryDirectory(prefix="backcoach-install-") as folder:
        home = Path(folder)
        venv = home / "venv"
        await _run(sys.executable, "-m", "venv", str(venv))
        pip = str(venv / "bin" / "pip")
        quiet = ("--quiet", "--disable-pip-version-check", "--no-deps")
        await _run(pip, "install", *quiet, "-r", str(ROOT / "requirements.lock"))
        site = _site_packages(venv)
        locked = _size(site)
        wheels = home / "wheels"
        await _run(
            sys.executable, "-m", "pip", "wheel", *quiet, "--no-build-isolation",
            "--wheel-dir", str(wheels), str(ROOT), cwd=home,
        )  # fmt: skip
        wheel = next(wheels.glob("back_coach-*.whl"))
        await _run(pip, "install", *quiet, str(wheel))
        total = _size(site)
        wheel_size = wheel.stat().st_size
        parts = sorted(((_size(p), p.name) for p in site.iterdir() if p.is_dir()), reverse=True)
    print("largest installed packages:", ", ".join(f"{n} {s / MB:.0f} MB" for s, n in parts[:6]))
    return {
        "install_mb": total / MB,
        "locked_mb": locked / MB,
        "project_mb": (total - locked) / MB,
        "wheel_mb": wheel_size / MB,
    }
