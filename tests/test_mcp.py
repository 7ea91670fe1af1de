"""The app as an MCP server (`demo.launch(mcp_server=True)`), against the shared running app.

Reads the served tool schema (`/gradio_api/mcp/schema`) and calls the stroke tools through the MCP protocol
with the `mcp` package's own client, over streamable HTTP (`/gradio_api/mcp/`) and SSE (`/gradio_api/mcp/sse`).
Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import json
import urllib.request

import anyio
import pytest
from gradio_client import Client
from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from rune_strokes import as_quickdraw, rune_drawing, strokes_in_box

STROKE_TOOLS = ("predict_strokes", "read_strokes", "contribute", "correct")
TOOLS = (*STROKE_TOOLS, "write_name", "read_text")


@pytest.fixture(scope="module")
def schema(app_url: str) -> dict[str, dict]:
    with urllib.request.urlopen(f"{app_url}gradio_api/mcp/schema", timeout=30) as response:
        return {tool["name"]: tool for tool in json.load(response)}


def mcp_session(app_url: str, transport: str, work):
    """Open an MCP session over `transport`, run `await work(session)` and return its result."""

    async def run():
        if transport == "http":
            connection = streamable_http_client(f"{app_url}gradio_api/mcp/")
        else:
            connection = sse_client(f"{app_url}gradio_api/mcp/sse")
        async with connection as streams, ClientSession(streams[0], streams[1]) as session:
            with anyio.fail_after(60):
                await session.initialize()
                return await work(session)

    return anyio.run(run)


def answer(result) -> dict:
    """A tool's answer: one text content holding a JSON object of plain words and numbers, with no Gradio
    internals (gr.skip() is {'__type__': 'update'}), no HTML and no server paths or file URLs."""
    assert not result.isError, result.content
    assert len(result.content) == 1 and result.content[0].type == "text", result.content
    text = result.content[0].text
    for internal in ("__type__", "/tmp", "gradio_api/file", "<div", "<p"):
        assert internal not in text, text
    answer = json.loads(text)
    assert isinstance(answer, dict), text
    return answer


def test_schema_describes_the_stroke_tools(schema):
    assert set(schema) == set(TOOLS), sorted(schema)  # the page's own events are no tools
    for name in STROKE_TOOLS:
        tool = schema[name]
        assert tool["meta"]["mcp_type"] == "tool" and tool["meta"]["endpoint_name"] == f"mcp_{name}"
        assert " Returns: " in tool["description"], tool["description"]
        drawing = tool["inputSchema"]["properties"]["drawing"]
        assert drawing["type"] == "object" and drawing["required"] == ["width", "height", "strokes"]
        assert drawing["properties"]["strokes"]["type"] == "array"
        assert '"strokes": [[xs, ys, ts], ...]' in drawing["description"]
        for parameter in tool["inputSchema"]["properties"].values():
            assert parameter["description"], (name, parameter)  # every parameter is explained to an agent

    predict = schema["predict_strokes"]
    assert predict["description"].startswith("Recognise one hand-drawn rune of the Younger Futhark")
    assert '"answer": "ᛏ týr"' in predict["description"] and "Not a rune" in predict["description"]
    assert set(predict["inputSchema"]["properties"]) == {"drawing", "row"}
    assert "row" not in predict["inputSchema"].get("required", [])  # the row is optional: Younger by default
    assert predict["inputSchema"]["properties"]["row"].get("default") == "younger"
    assert "elder" in predict["inputSchema"]["properties"]["row"]["description"]
    drawing_help = {name: schema[name]["inputSchema"]["properties"]["drawing"]["description"] for name in STROKE_TOOLS}
    assert '"width": 384, "height": 384' in drawing_help["predict_strokes"]
    assert '"width": 960, "height": 300' in drawing_help["read_strokes"]  # the inscription canvas
    assert "tyr" in schema["correct"]["inputSchema"]["properties"]["rune_id"]["enum"]


def test_image_endpoints_are_api_only(schema, app_url: str):
    """/predict and /read (a gr.Sketchpad value) are no MCP tools, but stay in the normal API."""
    assert not {tool["meta"]["endpoint_name"] for tool in schema.values()} & {"predict", "read"}
    info = Client(app_url, verbose=False).view_api(print_info=False, return_format="dict")
    assert {"/predict", "/read", "/predict_strokes"} <= set(info["named_endpoints"])


@pytest.mark.parametrize("transport", ["http", "sse"])
def test_predict_strokes_through_mcp(app_url: str, schema, transport: str):
    async def work(session: ClientSession):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        drawn = await session.call_tool("predict_strokes", {"drawing": rune_drawing("tyr")})
        empty = await session.call_tool("predict_strokes", {"drawing": {"width": 384, "height": 384, "strokes": []}})
        elder = await session.call_tool("predict_strokes", {"drawing": rune_drawing("tyr"), "row": "elder"})
        return tools, drawn, empty, elder

    tools, drawn, empty, elder = mcp_session(app_url, transport, work)
    assert set(tools) == set(schema)  # the protocol lists what the schema endpoint serves
    assert tools["predict_strokes"].description == schema["predict_strokes"]["description"]
    assert tools["predict_strokes"].inputSchema == schema["predict_strokes"]["inputSchema"]

    drawn = answer(drawn)
    assert drawn["answer"] == "ᛏ týr" and drawn["top"][0]["label"] == "ᛏ týr", drawn
    assert drawn["top"][0]["probability"] > 0.9 and len(drawn["top"]) == 5
    assert "týr" in drawn["card"] and "Sound: t" in drawn["card"], drawn["card"]
    empty = answer(empty)
    assert empty["answer"] == "Draw a rune" and "top" not in empty
    elder = answer(elder)  # the same shape is tīwaz in the Elder Futhark
    assert elder["answer"] == "ᛏ tīwaz" and "tīwaz" in elder["card"]


def test_read_strokes_through_mcp(app_url: str):
    strokes = [
        as_quickdraw(stroke)
        for index, rune_id in enumerate(("tyr", "ur", "reith"))
        for stroke in strokes_in_box(rune_id, 240 + 160 * index, 50, 200)
    ]

    async def work(session: ClientSession):
        return await session.call_tool("read_strokes", {"drawing": {"width": 960, "height": 300, "strokes": strokes}})

    read = answer(mcp_session(app_url, "http", work))
    assert "ᛏᚢᚱ" in read["reading"] and "tur" in read["reading"], read
    assert [rune["label"] for rune in read["runes"]] == ["ᛏ t", "ᚢ u", "ᚱ r"]
    lefts = [rune["box"][0] for rune in read["runes"]]
    assert lefts == sorted(lefts) and 240 <= lefts[0] < 440 and all(len(rune["box"]) == 4 for rune in read["runes"])


def test_saving_and_writing_through_mcp(app_url: str):
    """contribute, correct and write_name answer in words, a failed save too (its other outputs are gr.skip())."""

    async def work(session: ClientSession):
        empty = {"width": 384, "height": 384, "strokes": []}
        return [
            await session.call_tool("contribute", {"drawing": rune_drawing("tyr"), "rune_id": "tyr"}),
            await session.call_tool("contribute", {"drawing": empty, "rune_id": "tyr"}),
            await session.call_tool("correct", {"drawing": rune_drawing("ur"), "rune_id": "ur"}),
            await session.call_tool("write_name", {"text": "Harald", "row": "younger"}),
            await session.call_tool("write_name", {"text": "123", "row": "younger"}),
        ]

    saved, refused, corrected, name, no_runes = map(answer, mcp_session(app_url, "http", work))
    assert saved["status"].startswith("✓ Saved your ᛏ týr, thank you!") and saved["next_rune"], saved
    assert "The canvas is empty" in refused["status"] and "next_rune" not in refused, refused
    assert corrected["status"].startswith("✓ Thanks! Saved as ᚢ úr"), corrected
    assert name["runes"] == "ᚼᛅᚱᛅᛚᛏ" and "ᛏ = d, t" in name["notes"], name
    assert no_runes["runes"] == "", no_runes


def test_read_text_is_a_tool_for_runic_text(app_url: str, schema):
    tool = schema["read_text"]
    assert tool["description"].startswith("Read runic text (Unicode runes")
    assert set(tool["inputSchema"]["properties"]) == {"text", "row"}
    assert all(parameter["description"] for parameter in tool["inputSchema"]["properties"].values())

    async def work(session: ClientSession):
        jelling = await session.call_tool("read_text", {"text": "ᚴᚢᚱᛘᛦ ᛬ ᚴᚢᚾᚢᚴᛦ"})  # the Younger row by default
        elder = await session.call_tool("read_text", {"text": "ᚦᚢᚱ", "row": "elder"})
        return jelling, elder

    jelling, elder = map(answer, mcp_session(app_url, "http", work))
    assert jelling["transliteration"] == "kurmʀ kunukʀ" and jelling["row"] == "younger", jelling
    assert "ᚢ = u/o/v/w/y" in jelling["reading"], jelling
    assert elder["transliteration"] == "þur" and elder["row"] == "elder", elder
