"""Request parameters as Telegram accepts them: query string, JSON, form or multipart."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from emulator.errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class Params:
    """One call's parameters; form values are strings, JSON ones keep their types."""

    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def get_str(self, name: str) -> str | None:
        """A string parameter (numbers are turned into text, as Telegram does)."""
        value = self.values.get(name)
        return None if value is None else str(value)

    def get_int(self, name: str) -> int | None:
        """An integer parameter; a malformed one is a 400."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_float(self, name: str, default: float) -> float:
        """A number parameter; a malformed one is a 400."""
        value = self.values.get(name)
        try:
            return default if value is None or value == "" else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        """A boolean parameter ("true"/"1" in forms)."""
        value = self.values.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))

    def get_json(self, name: str, error: str) -> Any:
        """A JSON-serialised parameter; forms carry it as a JSON string."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None

    def chat_id(self) -> int | None:
        """The ``chat_id`` if it is numeric (used to match faults), else None."""
        try:
            return self.get_int("chat_id")
        except Exception:
            return None

    def logged(self) -> dict[str, Any]:
        """The parameters for the call log, uploads summarised."""
        summary = {
            name: f"<upload {upload.filename!r}, {len(upload.content)} bytes>"
            for name, upload in self.files.items()
        }
        return {**self.values, **summary}


async def read_params(request: web.Request) -> Params:
    """Parse every way PTB (and other clients) send parameters."""
    params = Params(values=dict(request.query))
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        params.values.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                params.files[name] = Upload(value.filename, content, value.content_type)
            else:
                params.values[name] = value
    return params
