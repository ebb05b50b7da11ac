"""Run, Step, Fork and InputField: dataclasses built tolerantly from upstream payloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from viewer.runs.chains import Chain, chain_for
from viewer.runs.status import Status, run_status, status_of
from viewer.runs.text import NAME_FIELDS, as_number, as_whole, clean_text, parse_moment, step_label

STRUCTURE_FIELDS = frozenset({"type", "children", *NAME_FIELDS})
INPUT_TYPES = frozenset({"string", "number", "boolean", "object", "array"})


@dataclass(frozen=True)
class Moment:
    """A point in time, or the raw value when it could not be read as one."""

    at: datetime | None
    raw: str | None = None

    @classmethod
    def of(cls, value: object) -> Moment:
        at = parse_moment(value)
        raw = None if at is not None or value in (None, "") else clean_text(str(value), 80)
        return cls(at, raw)


@dataclass(frozen=True)
class Fork:
    chain: Chain | None
    chain_raw: str | None
    fork_id: str | None
    rpc_url: str | None


@dataclass(frozen=True)
class InputField:
    key: str
    type: str | None
    required: bool
    description: str | None
    value: Any
    has_value: bool
    in_schema: bool

    @property
    def missing(self) -> bool:
        return self.required and not self.has_value


@dataclass(frozen=True)
class TxHash:
    hash: str
    chain: Chain | None


@dataclass(frozen=True)
class StepError:
    message: str
    details: Any


@dataclass(frozen=True)
class StepDefinition:
    id: str
    label: str
    type: str | None
    config: dict[str, Any]
    children: list[str]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


@dataclass(frozen=True)
class StepState:
    id: str
    status: Status
    started: Moment
    finished: Moment
    cu: float | None
    inputs: Any
    outputs: Any
    error: StepError | None
    logs: list[Any]
    tx_hashes: list[TxHash]
    raw: dict[str, Any]


@dataclass(frozen=True)
class Run:
    """One run, redacted, with every field either read or reported in `problems`."""

    id: str
    organization_id: str | None
    workflow_id: str | None
    workflow_version: int | None
    status: Status
    started: Moment
    finished: Moment
    total_cu: float | None
    trigger_source: str | None
    triggered_by: str | None
    is_simulation: bool
    is_dust_test: bool
    simulation_mode: str | None
    forks: list[Fork]
    source_run_id: str | None
    inputs: list[InputField]
    definition: dict[str, Any] | None
    steps: dict[str, StepState]
    data: dict[str, Any] = field(repr=False)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_payload(cls, payload: dict[str, Any], run_id: str) -> Run:
        """Build a Run from the envelope's `data`, already redacted at the boundary
        (viewer.runs.redact.redact_payload, applied by the runs service)."""
        data = payload
        problems: list[str] = []
        definition = data.get("workflowDefinition")
        if definition is not None and not isinstance(definition, dict):
            problems.append("The workflow definition is not an object; it is shown as raw data.")
            definition = None
        steps = _steps(data.get("executionState"), problems)
        if data.get("id") not in (None, run_id):
            problems.append("The runs service answered with a different run id; see the raw data.")
        return cls(
            id=run_id,
            organization_id=clean_text(data.get("organizationId")),
            workflow_id=clean_text(data.get("workflowId")),
            workflow_version=as_whole(data.get("workflowVersion")),
            status=run_status(data),
            started=Moment.of(data.get("startedAt")),
            finished=Moment.of(data.get("finishedAt")),
            total_cu=as_number(data.get("totalCu")),
            trigger_source=clean_text(data.get("triggerSource")),
            triggered_by=clean_text(data.get("triggeredBy")),
            is_simulation=data.get("isSimulation") is True,
            is_dust_test=data.get("isDustTest") is True,
            simulation_mode=clean_text(data.get("simulationMode")),
            forks=_forks(data.get("simulationForks"), problems),
            source_run_id=clean_text(data.get("sourceRunId"), 128),
            inputs=_inputs(definition, data.get("propValues"), problems),
            definition=definition,
            steps=steps,
            data=data,
            problems=problems,
        )

    def step_definition(self, step_id: str) -> StepDefinition | None:
        """The step as the workflow defines it, or None when the definition lacks it."""
        nodes = (self.definition or {}).get("nodes")
        node = nodes.get(step_id) if isinstance(nodes, dict) else None
        if not isinstance(node, dict):
            return None
        step_type = clean_text(node.get("type"), 120)
        children = node.get("children")
        return StepDefinition(
            id=step_id,
            label=step_label(step_id, node),
            type=step_type,
            config={key: value for key, value in node.items() if key not in STRUCTURE_FIELDS},
            children=[c for c in children if isinstance(c, str)]
            if isinstance(children, list)
            else [],
            raw=node,
        )

    def step(self, step_id: str) -> StepState | None:
        return self.steps.get(step_id)

    @cached_property
    def warned(self) -> tuple[tuple[StepState, str], ...]:
        """Succeeded steps whose logs carry a warning, each with its first warning's text
        (read once per model: every view of a kept run shares it)."""
        from viewer.runs.logs import warnings_in  # logs.py reads this module's Moment

        return tuple(
            (state, found[0].text)
            for state in self.steps.values()
            if state.status.key == "success" and (found := warnings_in(state.logs))
        )


def _forks(value: object, problems: list[str]) -> list[Fork]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        problems.append("The simulation forks are not a list; see the raw data.")
        return []
    forks = []
    for item in value:
        if not isinstance(item, dict):
            problems.append("A simulation fork is not an object; see the raw data.")
            continue
        chain_value = item.get("chainId")
        rpc = item.get("rpcUrl")
        forks.append(
            Fork(
                chain=chain_for(chain_value),
                chain_raw=clean_text(str(chain_value), 40) if chain_value is not None else None,
                fork_id=clean_text(item.get("forkId"), 200),
                # redacted at the boundary to its scheme and host, like every endpoint field
                rpc_url=clean_text(rpc, 500) if isinstance(rpc, str) and rpc else None,
            )
        )
    return forks


def _inputs(
    definition: dict[str, Any] | None, values: object, problems: list[str]
) -> list[InputField]:
    """Join the input schema with the values given; values the schema does not name come last."""
    if values is not None and not isinstance(values, dict):
        problems.append("The input values are not an object; see the raw data.")
    given = values if isinstance(values, dict) else {}
    schema = (definition or {}).get("inputSchema")
    if schema is not None and not isinstance(schema, list):
        problems.append("The input schema is not a list; see the raw data.")
        schema = []
    fields: list[InputField] = []
    named: set[str] = set()
    for entry in schema or []:
        key = clean_text(entry.get("key"), 200) if isinstance(entry, dict) else None
        if key is None:
            problems.append("An input in the schema has no key; see the raw data.")
            continue
        named.add(key)
        declared = clean_text(entry.get("type"), 40)
        fields.append(
            InputField(
                key=key,
                type=declared
                if declared in INPUT_TYPES
                else (declared and f"{declared} (unknown)"),
                required=entry.get("required") is True,
                description=clean_text(entry.get("description"), 1000),
                value=given.get(key),
                has_value=key in given and given[key] not in (None, ""),
                in_schema=True,
            )
        )
    for key, value in given.items():
        if key not in named:
            shown_key = clean_text(str(key), 200) or "(empty key)"
            fields.append(
                InputField(shown_key, None, False, None, value, value not in (None, ""), False)
            )
    return fields


def _steps(value: object, problems: list[str]) -> dict[str, StepState]:
    if value is None:
        return {}
    if isinstance(value, dict) and isinstance(value.get("nodes"), dict):
        value = value["nodes"]
    if not isinstance(value, dict):
        problems.append("The execution state is not an object; see the raw data.")
        return {}
    steps = {}
    for step_id, state in value.items():
        if not isinstance(state, dict):
            problems.append(f"The state of step “{clean_text(step_id, 80)}” is not an object.")
            state = {}
        steps[step_id] = _step(step_id, state)
    return steps


def _step(step_id: str, state: dict[str, Any]) -> StepState:
    status = status_of(state.get("status"), finished=state.get("finishedAt") not in (None, ""))
    return StepState(
        id=step_id,
        status=status,
        started=Moment.of(state.get("startedAt")),
        finished=Moment.of(state.get("finishedAt")),
        cu=as_number(state.get("cu")),
        inputs=_first(state, "input", "inputs"),
        outputs=_first(state, "output", "outputs", "result"),
        error=_error(state.get("error"), status),
        logs=state["logs"] if isinstance(state.get("logs"), list) else _listed(state.get("logs")),
        tx_hashes=_tx_hashes(state),
        raw=state,
    )


def _first(state: dict[str, Any], *names: str) -> Any:
    return next((state[name] for name in names if state.get(name) is not None), None)


def _listed(value: object) -> list[Any]:
    return [] if value in (None, "") else [value]


def _error(value: object, status: Status) -> StepError | None:
    if value in (None, "", {}, False):
        return None
    if isinstance(value, dict):
        message = clean_text(value.get("message"), 2000) or clean_text(value.get("reason"), 2000)
        details = {key: item for key, item in value.items() if key != "message"}
        return StepError(message or _no_message(status, value.get("code")), details or None)
    if isinstance(value, str):
        return StepError(clean_text(value, 2000) or "The step failed.", None)
    return StepError("The step failed; the error is not text.", value)


def _no_message(status: Status, code: object) -> str:
    """What to say of an error without a message: the step's status, and its code if any."""
    shown = clean_text(str(code), 40) if isinstance(code, str | int) else None
    code_note = f" (code {shown})" if shown else ""
    return f"{status.label}: the runs service gave no message{code_note}."


def _tx_hashes(state: dict[str, Any]) -> list[TxHash]:
    """Hashes under txHash / transactionHash / txHashes: a string, or a list of strings or
    `{chainId, hash}` objects."""
    chain = chain_for(state.get("chainId"))
    hashes: list[TxHash] = []
    for name in ("txHash", "transactionHash", "txHashes", "transactions"):
        value = state.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                hashes.append(TxHash(clean_text(item, 100) or "", chain))
            elif isinstance(item, dict) and isinstance(item.get("hash"), str):
                item_chain = chain_for(item.get("chainId")) or chain
                hashes.append(TxHash(clean_text(item["hash"], 100) or "", item_chain))
    return [tx for tx in hashes if tx.hash]
