"""The step panel's view model: one step's definition and state, ready to show."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from viewer.errors import StepNotFound
from viewer.links import safe_link
from viewer.runs.chains import Chain, chain_for
from viewer.runs.logs import LogEntry, log_entries
from viewer.runs.model import Moment, Run, StepError
from viewer.runs.status import Status, status_of
from viewer.runs.text import CONTROL_CHARACTERS
from viewer.web.jsontree import Tree, build_tree
from viewer.web.placement import Placement, placement

TX_HASH = re.compile(r"0x[0-9a-fA-F]{64}")
MAX_COPY = 50_000  # characters of JSON a copy button carries; past it, the raw JSON link


@dataclass(frozen=True)
class TxLink:
    hash: str
    chain: Chain | None
    url: str | None
    simulated: bool


@dataclass(frozen=True)
class Section:
    """A value of the step shown as a tree, with its JSON text to copy when that is small."""

    title: str
    tree: Tree
    copy_text: str | None


@dataclass(frozen=True)
class StepPanel:
    """Everything the panel of one step shows."""

    run_id: str
    step_id: str
    label: str
    type: str | None
    status: Status
    started: Moment
    finished: Moment
    cu: float | None
    error: StepError | None
    error_details: Tree | None
    sections: list[Section]
    logs: list[LogEntry]
    transactions: list[TxLink]
    in_definition: bool
    run_live: bool
    now: datetime
    place: Placement | None
    close_href: str
    simulated: bool  # the run is a simulation: nothing in it happened on a real chain

    @property
    def refreshes(self) -> bool:
        """The panel keeps refreshing while the run and this step can still change."""
        return self.run_live and not self.status.final


def step_panel(
    run: Run, step_id: str, now: datetime, href: Callable[[str | None], str]
) -> StepPanel:
    """Build the panel of one step, or raise StepNotFound when the run has no such step.

    `href(step_id)` is the page with that step open (`href(None)`: with none open)."""
    definition = run.step_definition(step_id)
    state = run.step(step_id)
    if definition is None and state is None:
        raise StepNotFound(f"This run has no step with the id “{step_id}”.")
    status = state.status if state else status_of(None, missing="not_run")
    step_chain = chain_for(definition.config.get("chainId")) if definition else None
    return StepPanel(
        run_id=run.id,
        step_id=step_id,
        label=definition.label if definition else step_id,
        type=definition.type if definition else None,
        status=status,
        started=state.started if state else Moment(None),
        finished=state.finished if state else Moment(None),
        cu=state.cu if state else None,
        error=state.error if state else None,
        error_details=_tree(state.error.details) if state and state.error else None,
        sections=[
            _section(title, value)
            for title, value in (
                ("Step outputs", state.outputs if state else None),
                ("Step inputs", state.inputs if state else None),
                ("Step configuration", definition.config or None if definition else None),
            )
            if value is not None
        ],
        logs=log_entries(state.logs) if state else [],
        transactions=[
            TxLink(
                tx.hash,
                tx.chain or step_chain,
                _explorer_link(tx.hash, tx.chain or step_chain, simulated=run.is_simulation),
                run.is_simulation,
            )
            for tx in (state.tx_hashes if state else [])
        ],
        in_definition=definition is not None,
        run_live=run.status.live,
        now=now,
        place=placement(run.definition, step_id, href),
        close_href=href(None),
        simulated=run.is_simulation,
    )


def _explorer_link(tx_hash: str, chain: Chain | None, *, simulated: bool) -> str | None:
    """A public explorer link, never for a simulated transaction or a malformed hash."""
    if simulated or chain is None or not TX_HASH.fullmatch(tx_hash):
        return None
    return safe_link(chain.tx_url(tx_hash))


def _section(title: str, value: Any) -> Section:
    """The value as a tree, and as exact JSON to copy (control and bidi characters escaped,
    so they cannot disturb the page, yet the copied JSON is the same data)."""
    try:
        text: str | None = CONTROL_CHARACTERS.sub(
            lambda match: f"\\u{ord(match.group(0)):04x}",
            json.dumps(value, indent=2, ensure_ascii=False),
        )
    except (TypeError, ValueError, RecursionError):
        text = None
    return Section(title, build_tree(value), text if text and len(text) <= MAX_COPY else None)


def _tree(value: Any) -> Tree | None:
    return None if value is None else build_tree(value)
