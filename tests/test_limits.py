"""ui.limits.BodyLimit: request bodies over the cap are refused with a 413 in plain words, before they are parsed."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui import limits

parsed: list[int] = []  # the sizes of the bodies the app behind the limit got to read


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    parsed.append(len(body))
    return JSONResponse({"size": len(body), "head": body[:8].decode()})


def client(max_body: int = 1000, max_upload: int = 5000) -> TestClient:
    routes = [
        Route("/gradio_api/call/predict_strokes", echo, methods=["POST"]),
        Route("/gradio_api/upload", echo, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    return TestClient(limits.BodyLimit(app, max_body=max_body, max_upload=max_upload))


def chunks(total: int, size: int = 100):
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_cap_gets_413_and_is_never_parsed(chunked: bool):
    parsed.clear()
    body = chunks(1001) if chunked else b"x" * 1001
    response = client().post("/gradio_api/call/predict_strokes", content=body)
    assert response.status_code == 413
    assert response.json()["error"] == (
        "That request is too large: at most 0.001 MB can be sent. A drawing is a few kB."
    )
    assert parsed == []


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_within_the_cap_reaches_the_app_whole(chunked: bool):
    body = chunks(1000) if chunked else b"{" + b"x" * 999
    response = client().post("/gradio_api/call/predict_strokes", content=body)
    assert response.status_code == 200 and response.json()["size"] == 1000


def test_uploads_have_their_own_larger_cap():
    assert client().post("/gradio_api/upload", content=b"x" * 4000).json()["size"] == 4000
    assert client().post("/gradio_api/upload", content=chunks(5001)).status_code == 413
    assert client().post("/gradio_api/call/predict_strokes", content=b"x" * 4000).status_code == 413


def test_the_caps_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RUNES_MAX_BODY_BYTES", "2000000")
    monkeypatch.setenv("RUNES_MAX_UPLOAD_BYTES", "not a number")  # ignored: the default
    (middleware,) = limits.middleware()
    assert middleware.kwargs == {"max_body": 2_000_000, "max_upload": limits.MAX_UPLOAD_BYTES}
    monkeypatch.delenv("RUNES_MAX_BODY_BYTES")
    assert limits.middleware()[0].kwargs["max_body"] == limits.MAX_BODY_BYTES == 1_000_000
