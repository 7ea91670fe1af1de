"""How often one visitor may save drawings: a token bucket per session and per client address.

    class Contributions:
        limit = RateLimit(per_session=Bucket(20, 2.0), per_address=Bucket(120, 0.25))
        @never_raises(...)      # turns the ValueError below into the handler's friendly failure
        @rate_limited           # adds `request: gr.Request` for Gradio; raises ValueError(SLOW_DOWN) when too fast
        def contribute(self, drawing, rune_id): ...

Server policy, not library code: the store (runes.store) bounds what a drawing and the whole folder take on
disk; this bounds how fast one visitor can fill it. The per-address bucket is larger than the per-session one
(a classroom shares one address); both must have a token for a save to go ahead.
"""

from __future__ import annotations

import functools
import inspect
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

SLOW_DOWN = "You're saving drawings faster than I can keep them. Please slow down and try again in a few seconds."


@dataclass(frozen=True)
class Bucket:
    """At most `burst` saves at once, then one every `seconds`."""

    burst: int
    seconds: float


class RateLimit:
    def __init__(
        self,
        per_session: Bucket = Bucket(20, 2.0),
        per_address: Bucket = Bucket(120, 0.25),
        clock: Callable[[], float] = time.monotonic,
        clients: int = 10_000,
    ) -> None:
        self.per_session, self.per_address, self._clock, self._clients = per_session, per_address, clock, clients
        self._tokens: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def allow(self, request: Any) -> bool:
        """Take a token from the session's and the address's buckets; False (taking none) when either is empty."""
        keys = [
            ((kind, str(value)), bucket)
            for kind, value, bucket in (
                ("session", getattr(request, "session_hash", None), self.per_session),
                ("address", getattr(getattr(request, "client", None), "host", None), self.per_address),
            )
            if value
        ]
        with self._lock:
            now = self._clock()
            levels = []
            for key, bucket in keys:
                tokens, when = self._tokens.get(key, (float(bucket.burst), now))
                levels.append(min(float(bucket.burst), tokens + (now - when) / bucket.seconds))
            if any(level < 1 for level in levels):
                return False
            for (key, _), level in zip(keys, levels, strict=True):
                self._tokens[key] = (level - 1, now)
                self._tokens.move_to_end(key)
            while len(self._tokens) > self._clients:  # forget the longest idle (their buckets have refilled)
                self._tokens.popitem(last=False)
            return True


def rate_limited(method):
    """Decorate a handler method whose object has `.limit` (a RateLimit): Gradio passes the request (a trailing
    positional `request: gr.Request`, which is how Gradio finds it), and a save past the visitor's limit raises
    ValueError(SLOW_DOWN) before the method runs. Called without a request (not through Gradio), no limit."""
    signature = inspect.signature(method)
    count = len(signature.parameters) - 1  # the method's own arguments, after self

    @functools.wraps(method)
    def handler(self: Any, *args: Any, request: Any = None):
        if len(args) > count:
            args, request = args[:count], args[count]
        if request is not None and not self.limit.allow(request):
            raise ValueError(SLOW_DOWN)
        return method(self, *args)

    handler.__signature__ = signature.replace(
        parameters=[
            *signature.parameters.values(),
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request),
        ]
    )
    handler.__annotations__ = {**method.__annotations__, "request": gr.Request}  # what Gradio reads
    return handler
