"""Deterministic generator of large workflow runs; `python -m viewer.demo.generate` rewrites
the bundled one (viewer/demo/runs/<GENERATED_RUN_ID>.json)."""

from __future__ import annotations

import json
import random
import time
from calendar import timegm
from pathlib import Path
from typing import Any

GENERATED_RUN_ID = "run_0c7d5e2f96"
GENERATED_STEPS = 520
FAN_OUT = 48
PRELUDE = frozenset({"root", "load_vaults", "read_prices"})  # never fail
MIN_WIDTH = 6  # merges keep this many parallel branches open
START_MS = timegm((2026, 11, 25, 6, 0, 0)) * 1000
RUNS_DIR = Path(__file__).resolve().parent / "runs"

CHAINS = (1, 8453, 42161, 10, 137)
TOKENS = ("USDC", "WETH", "USDT", "DAI", "WBTC", "ARB", "OP")
ACTIONS = (
    "read_balance",
    "read_price",
    "condition",
    "approve_erc20",
    "uniswap_swap",
    "transfer",
    "http_request",
    "aave_supply",
    "bridge",
    "notify_slack",
)
WEIGHTS = (14, 10, 10, 8, 12, 8, 6, 6, 4, 4)
TX_TYPES = frozenset({"approve_erc20", "uniswap_swap", "transfer", "aave_supply", "bridge"})
DURATION_MS = {"bridge": (20_000, 90_000), "http_request": (150, 1_800)}
CU = {"read_balance": 20, "read_price": 40, "condition": 5, "http_request": 60, "notify_slack": 10}
ERRORS = {
    "uniswap_swap": ("execution reverted: Too little received", "CALL_EXCEPTION"),
    "transfer": ("insufficient funds for gas * price + value", "INSUFFICIENT_FUNDS"),
    "bridge": ("relayer quote expired", "QUOTE_EXPIRED"),
    "http_request": ("upstream answered 502 Bad Gateway", "HTTP_502"),
    "approve_erc20": ("nonce too low", "NONCE_EXPIRED"),
    "aave_supply": ("execution reverted: 51", "CALL_EXCEPTION"),
}


def _iso(ms: int) -> str:
    secs, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{millis:03d}Z"


class _Builder:
    """Grows a DAG of nodes (children always created after their parents)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.nodes: dict[str, dict[str, Any]] = {}
        self.parents: dict[str, list[str]] = {}
        self.expansions: dict[str, list[str]] = {}

    def hex(self, bits: int) -> str:
        return f"0x{self.rng.getrandbits(bits):0{bits // 4}x}"

    def add(self, node_type: str, parents: list[str], node_id: str = "", **fields: Any) -> str:
        node_id = node_id or f"{node_type}_{len(self.nodes):04d}"
        node: dict[str, Any] = {"type": node_type}
        label = (
            fields.pop("name", None)
            or f"{node_type.replace('_', ' ').capitalize()} #{len(self.nodes)}"
        )
        roll = self.rng.random()
        if roll < 0.8:
            node["name"] = label
        elif roll < 0.88:
            node["label"] = label
        elif roll < 0.95:
            node["title"] = label
        if node_type in ACTIONS:
            node.update(self.config(node_type))
        node.update(fields)
        node["children"] = []
        self.nodes[node_id] = node
        self.parents[node_id] = list(parents)
        for parent in parents:
            self.nodes[parent]["children"].append(node_id)
        return node_id

    def config(self, node_type: str) -> dict[str, Any]:
        rng = self.rng
        chain = rng.choice(CHAINS)
        token = rng.choice(TOKENS)
        amount = f"{rng.uniform(5, 5000):.2f}"
        if node_type in ("read_balance", "transfer", "approve_erc20", "aave_supply"):
            extra = {"to": self.hex(160)} if node_type == "transfer" else {}
            return {"chainId": chain, "token": token, "amount": amount, **extra}
        if node_type == "uniswap_swap":
            out = rng.choice([t for t in TOKENS if t != token])
            return {
                "chainId": chain,
                "tokenIn": token,
                "tokenOut": out,
                "amount": amount,
                "slippageBps": rng.choice((10, 30, 50, 100)),
            }
        if node_type == "bridge":
            dest = rng.choice([c for c in CHAINS if c != chain])
            return {
                "chainId": chain,
                "toChainId": dest,
                "token": token,
                "amount": amount,
                "provider": rng.choice(("across", "stargate", "cctp")),
            }
        if node_type == "read_price":
            return {"chainId": chain, "pair": f"{token}/USD", "source": "chainlink"}
        if node_type == "condition":
            return {"expression": f"balance >= {amount}"}
        if node_type == "http_request":
            return {"method": "GET", "url": f"https://risk.example.com/v2/score/{token.lower()}"}
        return {"channel": "#treasury-ops"}


def _output(b: _Builder, node_type: str, node: dict[str, Any]) -> dict[str, Any]:
    """A plausible output for a successful step."""
    rng = b.rng
    if node_type in TX_TYPES:
        out: dict[str, Any] = {"txHash": b.hex(256)}
        out["blockNumber"] = rng.randint(18_000_000, 29_000_000)
        out["gasUsed"] = rng.randint(46_000, 240_000)
        if node_type == "uniswap_swap":
            out["amountOut"] = f"{float(node['amount']) * rng.uniform(0.0002, 1.2):.6f}"
        if node_type == "bridge":
            out["transactions"] = [
                {"chainId": node["chainId"], "hash": out["txHash"]},
                {"chainId": node["toChainId"], "hash": b.hex(256)},
            ]
        return out
    if node_type == "read_price":
        return {"price": round(rng.uniform(0.4, 98_000), 4), "decimals": 8}
    if node_type == "read_balance":
        return {"balance": f"{rng.uniform(0, 90_000):.6f}", "decimals": 6}
    if node_type == "condition":
        return {"result": True}
    if node_type == "http_request":
        return {"status": 200, "body": {"score": rng.randint(1, 99), "flagged": False}}
    return {"ok": True}


def _build_graph(b: _Builder, steps: int) -> None:
    """Add `steps` nodes below root: prelude, one wide fan-out, then random segments."""
    b.add("manual", [], "root", name="Manual trigger")
    budget = steps
    frontier = ["root"]

    def take(n: int) -> int:
        nonlocal budget
        n = max(0, min(n, budget))
        budget -= n
        return n

    if take(1):
        frontier = [b.add("http_request", ["root"], "load_vaults", name="Load vault list")]
    if take(1):
        frontier = [b.add("read_price", frontier, "read_prices", name="Read oracle prices")]
    width = take(min(FAN_OUT, max(0, steps - 3)))
    if width:
        hub = frontier[0]
        frontier = [
            b.add("read_balance", [hub], f"vault_{i:02d}.balance", name=f"Vault {i + 1} balance")
            for i in range(width)
        ]
    forced = ["block", "merge"]
    while budget > 0:
        if forced:
            op = forced.pop(0)
        elif len(frontier) > 24:
            op = b.rng.choice(("merge", "merge", "chain", "block"))
        else:
            op = b.rng.choices(("chain", "fan", "merge", "block"), (50, 15, 15, 12))[0]
        if op == "merge" and len(frontier) >= MIN_WIDTH + 2:
            k = b.rng.randint(2, min(8, len(frontier) - MIN_WIDTH))
            picked = b.rng.sample(range(len(frontier)), k)
            parents = [frontier[i] for i in sorted(picked)]
            dropped = set(picked)
            frontier = [f for i, f in enumerate(frontier) if i not in dropped]
            take(1)
            frontier.append(b.add("merge", parents, mode="any"))
            continue
        leaf = frontier.pop(b.rng.randrange(len(frontier)))
        if op == "block" and budget >= 2:
            take(1)
            block_id = b.add("block", [leaf], name="Rebalance block v3", blockId="blk_rebalance_v3")
            chain = [block_id]
            for phase in ("quote", "approve", "swap", "verify")[: take(b.rng.randint(3, 4))]:
                kind = {
                    "quote": "read_price",
                    "approve": "approve_erc20",
                    "swap": "uniswap_swap",
                    "verify": "read_balance",
                }[phase]
                chain.append(b.add(kind, [chain[-1]], f"{block_id}:{phase}", blockNode=block_id))
            b.expansions[block_id] = chain[1:]
            frontier.append(chain[-1])
        elif op == "fan" and budget >= 2:
            width = take(b.rng.randint(2, 5))
            frontier.extend(b.add(b.rng.choices(ACTIONS, WEIGHTS)[0], [leaf]) for _ in range(width))
        else:
            take(1)
            frontier.append(b.add(b.rng.choices(ACTIONS, WEIGHTS)[0], [leaf]))


def _execute(b: _Builder) -> tuple[dict[str, Any], int, bool]:
    """Simulate the run: returns (executionState, totalCu, whether any step failed)."""
    rng = b.rng
    state: dict[str, Any] = {}
    passes: dict[str, bool] = {}
    finish: dict[str, int] = {}
    total_cu = 0
    failed_any = False
    for node_id, node in b.nodes.items():
        node_type = node["type"]
        parents = b.parents[node_id]
        ok = [p for p in parents if passes[p]]
        if parents and (not ok if node_type == "merge" else len(ok) < len(parents)):
            upstream = next(p for p in parents if p not in ok)
            reason = f"upstream step {upstream} did not pass"
            state[node_id] = {"status": "skipped", "reason": reason}
            passes[node_id] = False
            continue
        start = max((finish[p] for p in ok), default=START_MS) + rng.randint(20, 400)
        default = (2_000, 14_000) if node_type in TX_TYPES else (80, 900)
        low, high = DURATION_MS.get(node_type, default)
        end = finish[node_id] = start + rng.randint(low, high)
        cu = rng.randint(300, 2_400) if node_type in TX_TYPES else CU.get(node_type, 0)
        total_cu += cu
        entry: dict[str, Any] = {
            "status": "success",
            "startedAt": _iso(start),
            "finishedAt": _iso(end),
            "cu": cu,
        }
        passes[node_id] = True
        if node_type in ERRORS and node_id not in PRELUDE and rng.random() < 0.01:
            message, code = ERRORS[node_type]
            details: dict[str, Any] = {"attempt": rng.randint(1, 3)}
            if "chainId" in node:
                details["chainId"] = node["chainId"]
            entry["status"] = "failure"
            entry["error"] = {"message": message, "code": code, "details": details}
            passes[node_id] = False
            failed_any = True
        elif node_type == "merge":
            entry["output"] = {"received": len(ok), "of": len(parents)}
        elif node_type == "condition" and rng.random() < 0.04:
            entry["output"] = {"result": False}
            passes[node_id] = False
        else:
            entry["output"] = _output(b, node_type, node)
        state[node_id] = entry
    return state, total_cu, failed_any


def generate_workflow_run(steps: int, seed: int = 7, *, run_id: str | None = None) -> dict:
    """A full run object (workflowDefinition + executionState) with `steps` nodes below root."""
    if steps < 0:
        raise ValueError("steps must be >= 0")
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    b = _Builder(rng)
    _build_graph(b, steps)
    state, total_cu, failed = _execute(b)
    ends = [e["finishedAt"] for e in state.values() if "finishedAt" in e]
    return {
        "id": run_id or f"run_gen_{steps}_{seed}",
        "organizationId": "org_acme",
        "workflowId": "wf_vault_rebalancer",
        "workflowVersion": 31,
        "status": "failure" if failed else "success",
        "startedAt": _iso(START_MS),
        "finishedAt": max(ends, default=_iso(START_MS)),
        "totalCu": total_cu,
        "triggerSource": "schedule",
        "triggeredBy": "scheduler",
        "isSimulation": False,
        "isDustTest": False,
        "simulationMode": "",
        "simulationForks": [],
        "sourceRunId": "",
        "propValues": {"maxSlippageBps": 50, "vaults": FAN_OUT, "dryRun": False},
        "workflowDefinition": {
            "inputSchema": [
                {
                    "key": "maxSlippageBps",
                    "type": "number",
                    "required": True,
                    "description": "Largest slippage any swap may accept",
                },
                {
                    "key": "vaults",
                    "type": "number",
                    "required": True,
                    "description": "How many vaults to rebalance in parallel",
                },
                {
                    "key": "dryRun",
                    "type": "boolean",
                    "required": False,
                    "description": "Quote only, send no transactions",
                },
            ],
            "blockExpansions": b.expansions,
            "nodes": b.nodes,
        },
        "executionState": state,
    }


def main() -> None:
    """Rewrite the bundled generated run."""
    run = generate_workflow_run(GENERATED_STEPS, seed=7, run_id=GENERATED_RUN_ID)
    path = RUNS_DIR / f"{GENERATED_RUN_ID}.json"
    path.write_text(json.dumps(run, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(run['workflowDefinition']['nodes'])} nodes)")


if __name__ == "__main__":
    main()
