"""Copy for a ticket: a Markdown summary of a run, safe to paste into any tracker.

Every piece of upstream text is escaped (the characters Markdown reads inline backslashed,
bare addresses broken, white space folded to one line), so it cannot become a link, an image,
HTML, a table or a heading; the only
links are the viewer's own and block explorers' for real (never simulated) transactions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from viewer.explain.story import WhatHappened, plain_text
from viewer.runs.chains import Chain, chain_for
from viewer.runs.model import Moment, Run
from viewer.web.formatting import format_number
from viewer.web.panel import TX_HASH

# What can start emphasis, code, links, images, HTML, entities, tables or strikethrough inline.
SPECIAL = re.compile(r"([\\`*_\[\]<>!&|~@])")
# What GFM turns into a link by itself: "scheme://" and "www.".
AUTOLINK = re.compile(r"(:)(?=//)|(?<=www)(\.)", re.IGNORECASE)
MAX_TRANSACTIONS = 20
MAX_TEXT = 500


@dataclass(frozen=True)
class TicketLinks:
    """Addresses and ids the ticket quotes, made by the view (they need the request)."""

    run_url: str
    step_url: Callable[[str], str]
    compare_url: str | None
    upstream_request_id: str | None
    viewer_request_id: str


def escape(value: object, limit: int = MAX_TEXT) -> str:
    """Upstream text as inert Markdown: one line, what Markdown reads inline escaped."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = SPECIAL.sub(r"\\\1", text)
    return AUTOLINK.sub(lambda match: "\\" + match.group(0), text)


def code(value: object, limit: int = 200) -> str:
    """A code span that no backtick inside it can close early."""
    text = " ".join(str(value).split())[:limit]
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"`{text}`"


def ticket_markdown(
    run: Run, story: WhatHappened, links: TicketLinks, when: Callable[[Moment], str]
) -> str:
    """The ticket text; `when` formats a time with its zone."""
    lines = [f"### Run {code(run.id)}: {escape(run.status.label)}", ""]
    account = " ".join(_sentence_text(sentence, when) for sentence in story.sentences)
    lines += [f"**What happened:** {escape(account, 2000)}", ""]
    lines += [f"- **Link:** <{links.run_url}>", f"- **Status:** {escape(run.status.label)}"]
    version = run.workflow_version if run.workflow_version is not None else "unknown"
    workflow = code(run.workflow_id) if run.workflow_id else "unknown"
    lines.append(f"- **Workflow:** {workflow}, version {version}")
    if run.organization_id:
        lines.append(f"- **Organization:** {code(run.organization_id)}")
    lines.append(f"- **Started:** {_time(run.started, when)}")
    lines.append(f"- **Finished:** {_finished(run, when)}")
    cu = format_number(run.total_cu) if run.total_cu is not None else "unknown"
    lines.append(f"- **Compute units:** {cu}")
    if run.trigger_source or run.triggered_by:
        who = f" by {code(run.triggered_by)}" if run.triggered_by else ""
        lines.append(f"- **Triggered:** {escape(run.trigger_source or 'unknown source')}{who}")
    if run.is_simulation:
        lines.append("- **Simulation:** yes, nothing in this run happened on a real chain")
        if run.source_run_id:
            lines.append(f"- **Source run:** {code(run.source_run_id)}")
        if links.compare_url:
            lines.append(f"- **Compared with its source run:** <{links.compare_url}>")
    if run.is_dust_test:
        lines.append("- **Dust test:** yes, a tiny-amount trial run")
    lines += _problem_step(story, links)
    lines += _transactions(run)
    lines += [
        "",
        "**For support:** runs API request id "
        f"{code(links.upstream_request_id or 'none')}, "
        f"viewer request id {code(links.viewer_request_id)}",
    ]
    return "\n".join(lines) + "\n"


def _sentence_text(sentence: tuple[object, ...], when: Callable[[Moment], str]) -> str:
    parts = [when(part) if isinstance(part, Moment) else part for part in sentence]
    return plain_text(tuple(parts))  # type: ignore[arg-type]


def _time(moment: Moment, when: Callable[[Moment], str]) -> str:
    if moment.at is not None:
        return escape(when(moment))
    return f"unknown ({code(moment.raw)})" if moment.raw else "not recorded"


def _finished(run: Run, when: Callable[[Moment], str]) -> str:
    if run.finished.at is None and not run.finished.raw and run.status.live:
        return f"not yet, still {escape(run.status.label.lower())}"
    return _time(run.finished, when)


def _problem_step(story: WhatHappened, links: TicketLinks) -> list[str]:
    step = story.problem_step
    if step is None:
        return []
    heading = "Failed step" if story.status.key == "failure" else "Step where it stopped"
    lines = ["", f"**{heading}:** {escape(step.label, 200)} ({code(step.id)})"]
    lines.append(f"- **Link to the step:** <{links.step_url(step.id)}>")
    if story.error_message:
        lines.append(f"- **Error:** {code(story.error_message, MAX_TEXT)}")
    explanation = story.explanation
    if explanation is not None:
        lines.append(f"- **In plain words:** {escape(explanation.plain)}")
        lines.append(f"- **What you can do:** {escape(explanation.action)}")
    elif story.error_message:
        lines.append("- **In plain words:** not known to the viewer; the error is quoted as is")
    return lines


def _transactions(run: Run) -> list[str]:
    found = [(step_id, tx) for step_id, state in run.steps.items() for tx in state.tx_hashes][
        :MAX_TRANSACTIONS
    ]
    if not found:
        return []
    title = (
        "Simulated transactions (not on a public chain)" if run.is_simulation else "Transactions"
    )
    lines = ["", f"**{title}:**"]
    for step_id, tx in found:
        definition = run.step_definition(step_id)
        label = escape(definition.label if definition else step_id, 120)
        chain = run_chain(run, step_id, tx.chain)
        where = f" on {escape(chain.name)}" if chain else ""
        url = chain.tx_url(tx.hash) if chain and TX_HASH.fullmatch(tx.hash) else None
        if url and not run.is_simulation:
            lines.append(f"- {label}{where}: [{code(tx.hash)}](<{url}>)")
        else:
            lines.append(f"- {label}{where}: {code(tx.hash)}")
    return lines


def run_chain(run: Run, step_id: str, chain: Chain | None) -> Chain | None:
    """The transaction's own chain, or the chain its step is configured for."""
    if chain is not None:
        return chain
    definition = run.step_definition(step_id)
    return chain_for(definition.config.get("chainId")) if definition else None
