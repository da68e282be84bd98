"""Error type shared by the fake Bot API modules."""

from __future__ import annotations

from typing import Any, Literal

#: Why a call failed. ``validation`` = the request itself is wrong (what Telegram rejects),
#: ``fault`` = injected with :meth:`FakeBotAPI.fail_next`, ``blocked`` = the chat blocked/kicked
#: the bot (:meth:`FakeBotAPI.block_chat`), ``conflict`` = concurrent getUpdates / webhook set,
#: ``auth`` = bad token or unknown method, ``unimplemented`` = a real Bot API method the fake lacks (501).
Origin = Literal["ok", "validation", "fault", "blocked", "conflict", "auth", "unimplemented"]


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        origin: Origin = "validation",
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters
        self.origin: Origin = origin

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def bad_request(reason: str) -> ApiError:
    """``400 Bad Request: <reason>``."""
    return ApiError(400, f"Bad Request: {reason}")
