"""The app as an MCP server (`demo.launch(mcp_server=True)`, the `gradio[mcp]` extra): which events are tools.

Gradio makes every named API endpoint an MCP tool, named after its function and described by the function's
docstring (Google style: a summary, `Args:` one line per parameter, `Returns:` one line per output). The
image endpoints `/predict` and `/read` take a gr.Sketchpad value, a dict of nested files, which Gradio 6.31
cannot pass through MCP (their tool schema points at `$defs` that are not at its root, so every call fails
validation, and nested file URLs are not converted), so they stay API-only: `hide_tools` takes them out of
the MCP server (tool list, `/gradio_api/mcp/schema` and calls) and leaves the normal API alone.
"""

from __future__ import annotations

import contextlib

import gradio as gr


def hide_tools(demo: gr.Blocks, *api_names: str) -> list[str]:
    """Take the endpoints `api_names` out of a launched app's MCP server; returns the tool names removed."""
    server = getattr(demo, "mcp_server_obj", None)  # made by launch(mcp_server=True); None if MCP is off
    if server is None:
        return []
    hidden = [tool for tool, endpoint in server.tool_to_endpoint.items() if endpoint.lstrip("/") in api_names]
    for tool in hidden:
        del server.tool_to_endpoint[tool]
    return hidden


def hide_tools_on_start(demo: gr.Blocks, *api_names: str):
    """A lifespan for `demo.launch(app_kwargs={"lifespan": ...})` that runs `hide_tools` at start-up.

    launch() builds the MCP server just before the web server starts, and a lifespan runs before the first
    request is answered, so no client ever sees the hidden tools.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app):
        hide_tools(demo, *api_names)
        yield

    return lifespan
