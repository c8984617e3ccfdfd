"""``python -m emulator --port 8081 --token TOKEN``: serve the Bot API until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from emulator.emulator import DEFAULT_TOKEN, BotApiEmulator


async def serve(host: str, port: int, token: str) -> None:
    """Run an emulator until cancelled."""
    async with BotApiEmulator(token, host=host, port=port) as emulator:
        print(f"Bot API emulator on {emulator.base_url}<token>/<method>", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.token))


if __name__ == "__main__":
    main()
