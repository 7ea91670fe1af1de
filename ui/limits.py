"""A cap on request bodies, checked before anything parses them: a larger one is answered 413 in plain words.

    app_kwargs={"middleware": limits.middleware()}      # in demo.launch(...)

Every route gets RUNES_MAX_BODY_BYTES (default 1 MB: a drawing as strokes is a few kB, the most points a drawing
may have are well under it); file uploads (`/upload`, where the image endpoints' pictures arrive) get
RUNES_MAX_UPLOAD_BYTES (default 10 MB). A body that says its length is refused before a byte is read; one sent in
chunks without a length is read up to the cap and refused as soon as it passes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.middleware import Middleware

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 1_000_000
MAX_UPLOAD_BYTES = 10_000_000


def _env_bytes(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


class BodyLimit:
    """ASGI middleware: HTTP requests whose body is over the cap get a 413 with a short plain message."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES, max_upload: int = MAX_UPLOAD_BYTES) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    def cap(self, path: str) -> int:
        return self.max_upload if path.rstrip("/").endswith("/upload") else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap(scope.get("path", ""))
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > cap:
                await self.refuse(send, cap)
                return
            await self.app(scope, receive, send)  # the server reads no more than the length it was given
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        # No length (chunked): read the body here, up to the cap, and hand it on whole.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > cap:
                await self.refuse(send, cap)
                return
            if not message.get("more_body", False):
                break
        body, sent = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # the disconnect, when it comes
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def refuse(send: Send, cap: int) -> None:
        message = f"That request is too large: at most {_megabytes(cap)} can be sent. A drawing is a few kB."
        body = json.dumps({"error": message, "detail": message}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def middleware() -> list[Middleware]:
    """The app's body limit, with the caps from the environment (RUNES_MAX_BODY_BYTES, RUNES_MAX_UPLOAD_BYTES)."""
    return [
        Middleware(
            BodyLimit,  # type: ignore[arg-type]
            max_body=_env_bytes("RUNES_MAX_BODY_BYTES", MAX_BODY_BYTES),
            max_upload=_env_bytes("RUNES_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES),
        )
    ]
