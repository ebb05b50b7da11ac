"""The runs service: the one way to read a run. Fetch, redact once, cache, parse once.

Views ask `RunsService.get(run_id, what, credential)` and get a `RunRead`: the parsed `Run` and
the upstream requestId. Underneath, concurrent reads of the same (credential, run, what) share
one upstream call, answers are redacted before anything keeps them, and the parsed model of a
cached answer is kept by a stable key (the cache key and the digest of the answer's body), so
it survives a cache that hands back copies (a shared one) and is built once for all viewers.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from viewer.config import Settings
from viewer.runs.cache import (
    ANSWER_BYTES_PER_JSON_BYTE,
    MODEL_BYTES_PER_JSON_BYTE,
    SingleFlightCache,
    Sized,
    kept_bytes,
)
from viewer.runs.definitions import DefinitionText, KnownDefinitions
from viewer.runs.digest import content_digest
from viewer.runs.ids import check_run_id, check_step_ids
from viewer.runs.model import Run
from viewer.runs.redact import redact_payload
from viewer.runs.shared_cache import SharedAnswers
from viewer.runs.status import run_status
from viewer.runs.upstream import Endpoint, RunAnswer, RunsApi, runs_api_for

PARSED_RUNS_KEPT = 32
DEFINITION_SHARE = 4  # redacted definitions may take a quarter of the answer cache's bound
# One request thread in this many (at least one) never waits on the upstream: it stays free
# for health checks, static files and cached pages however slow the upstream is.
RESERVED_THREAD_SHARE = 8


@dataclass(frozen=True)
class What:
    """Which part of a run to read: the summary, the whole run, or the state of some steps."""

    summary: bool = False
    step_ids: tuple[str, ...] | None = None

    @classmethod
    def steps(cls, step_ids: Iterable[str]) -> What:
        return cls(step_ids=tuple(check_step_ids(list(step_ids))))

    def params(self) -> tuple[tuple[str, str], ...]:
        """The query parameters this read sends upstream, in a stable order."""
        params = []
        if self.step_ids is not None:
            params.append(("nodeIds", ",".join(self.step_ids)))
        if self.summary:
            params.append(("summary", "true"))
        return tuple(params)


SUMMARY = What(summary=True)
FULL = What()


@dataclass(frozen=True)
class RunRead:
    """A run as read for one request: the model and the upstream requestId that fetched it."""

    run: Run
    request_id: str | None
    what: What
    digest: str = ""  # of the answer's body: names what the run was read from


class ParsedRuns:
    """Run models of recent answers, keyed by a stable key: (cache key, body digest), within
    `max_bytes` of memory (each model's cost estimated from its answer's size)."""

    def __init__(self, max_bytes: int, max_entries: int = PARSED_RUNS_KEPT) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._runs: OrderedDict[Hashable, tuple[Run, int]] = OrderedDict()
        self.bytes = 0

    def run_of(self, key: Hashable, answer: RunAnswer, run_id: str) -> Run:
        memo_key = (key, answer.digest)
        with self._lock:
            found = self._runs.get(memo_key)
            if found is not None:
                self._runs.move_to_end(memo_key)
                return found[0]
        run = Run.from_payload(answer.data, run_id)
        size = kept_bytes(answer.size, MODEL_BYTES_PER_JSON_BYTE)
        if size > self.max_bytes:
            return run
        with self._lock:
            old = self._runs.pop(memo_key, None)
            self.bytes += size - (old[1] if old else 0)
            self._runs[memo_key] = (run, size)
            while self._runs and (
                len(self._runs) > self.max_entries or self.bytes > self.max_bytes
            ):
                _, (_, dropped) = self._runs.popitem(last=False)
                self.bytes -= dropped
        return run

    def __len__(self) -> int:
        return len(self._runs)


class RunsService:
    """Read runs through the client: coalesced, redacted once, cached briefly, parsed once."""

    def __init__(
        self,
        api: RunsApi,
        cache: SingleFlightCache[RunAnswer] | SharedAnswers,
        *,
        live_ttl: float,
        final_ttl: float,
        listed_runs: tuple[str, ...] = (),
        definition_max_bytes: int | None = None,
        parsed: ParsedRuns | None = None,
    ) -> None:
        self.api = api
        self.cache = cache
        # Redacted workflow definitions by the digest of their content: every `nodeIds` answer
        # carries the whole definition, and a step panel should not redact it again.
        definition_bytes = (
            cache.max_bytes // DEFINITION_SHARE
            if definition_max_bytes is None
            else definition_max_bytes
        )
        self.definitions: SingleFlightCache[dict[str, Any]] = SingleFlightCache(definition_bytes)
        # The same, known by their text: a panel's answer is parsed without its definition.
        self.known = KnownDefinitions(definition_bytes)
        self.parsed = parsed or ParsedRuns(cache.max_bytes)
        self.live_ttl = live_ttl
        self.final_ttl = final_ttl
        self.listed_runs = listed_runs

    def get(self, run_id: str, what: What = FULL, credential: str | None = None) -> RunRead:
        """The run as a model; `credential` replaces the server's token (a person's own)."""
        key, answer = self._read(run_id, what, credential)
        run = self.parsed.run_of(key, answer, run_id)
        return RunRead(run, answer.request_id, what, answer.digest)

    def _read(self, run_id: str, what: What, credential: str | None) -> tuple[Hashable, RunAnswer]:
        run_id = check_run_id(run_id)
        key = (self.api.credential_key(credential), run_id, what.params())
        answer = self.cache.get(key, lambda: self._fetch(run_id, what, credential))
        return key, answer

    def _fetch(self, run_id: str, what: What, credential: str | None) -> Sized[RunAnswer]:
        fetched = self.api.get_run(
            run_id,
            summary=what.summary,
            node_ids=list(what.step_ids) if what.step_ids is not None else None,
            credential=credential,
            definitions=self.known,
        )
        answer = RunAnswer(
            self._redacted(fetched.data, fetched.definition),
            fetched.request_id,
            fetched.size,
            fetched.digest,
        )
        # A definition known before is shared with the answers that brought it, and counted
        # where it is kept; this answer costs the rest.
        shared = fetched.definition.size if fetched.definition and fetched.definition.kept else 0
        return Sized(
            answer,
            self._ttl(answer.data),
            kept_bytes(answer.size - shared, ANSWER_BYTES_PER_JSON_BYTE),
        )

    def _redacted(
        self, data: dict[str, Any], known: DefinitionText | None = None
    ) -> dict[str, Any]:
        """The answer redacted once; its definition redacted once per content (workflow id,
        version and snapshot alike share a digest), and not at all when its text is known."""
        definition = data.get("workflowDefinition")
        if known is not None and known.kept is not None:
            redacted = known.kept
        else:
            found = self._redacted_definition(definition)
            if found is None:
                return redact_payload(data)
            redacted = found
            if known is not None:
                self.known.keep(known, redacted)
        rest = redact_payload({k: v for k, v in data.items() if k != "workflowDefinition"})
        return {**rest, "workflowDefinition": redacted}

    def _redacted_definition(self, definition: object) -> dict[str, Any] | None:
        """The definition redacted, kept by the digest of its content; None when it is not an
        object of plain parsed JSON (then it is redacted with the answer)."""
        if not isinstance(definition, dict):
            return None
        # The digest names the definition's content, whatever its workflow id and version say.
        named = content_digest(definition)
        if named is None:
            return None
        key, size = named
        return self.definitions.get(
            key,
            lambda: Sized(
                redact_payload(definition),
                self.final_ttl,
                kept_bytes(size, ANSWER_BYTES_PER_JSON_BYTE),
            ),
        )

    def _ttl(self, data: dict[str, Any]) -> float:
        """Answers for runs still moving are shared briefly; finished ones are kept longer."""
        return self.final_ttl if run_status(data).final else self.live_ttl


def blocking_threads(threads: int) -> int:
    """Of `threads` request threads, how many may wait on the upstream at once (fetching, or
    waiting for a fetch in flight here or in another instance)."""
    return max(1, threads - max(1, threads // RESERVED_THREAD_SHARE))


def init_app(app: Flask, settings: Settings, endpoint: Endpoint) -> None:
    """Give the app one runs service (one connection pool), closed with the app."""
    api = runs_api_for(settings, endpoint)
    # VIEWER_CACHE_MAX_BYTES bounds the answers and the models parsed from them, 3/8 each (the
    # app's layout cache has the last quarter).
    local: SingleFlightCache[RunAnswer] = SingleFlightCache(
        settings.cache_max_bytes * 3 // 8,
        stale_seconds=settings.refresh_seconds,
        max_blocked=blocking_threads(settings.threads),
        metered=True,
    )
    store = app.extensions.get("redis")
    cache: SingleFlightCache[RunAnswer] | SharedAnswers = local
    if store is not None:  # VIEWER_REDIS_URL: share answers and single-flight across instances
        cache = SharedAnswers(local, store, wait_seconds=settings.retry_deadline + 2)
    app.extensions["runs"] = RunsService(
        api,
        cache,
        live_ttl=settings.cache_live_seconds,
        final_ttl=settings.cache_final_seconds,
        listed_runs=endpoint.listed_runs,
        parsed=ParsedRuns(settings.cache_max_bytes * 3 // 8),
    )
    weakref.finalize(app, api.client.close)


def runs() -> RunsService:
    """The runs service of the current app."""
    return current_app.extensions["runs"]
