"""Serve the demo runs API: `python -m viewer.demo --host 127.0.0.1 --port 8001`."""

from __future__ import annotations

import argparse

import waitress

from viewer.demo.api import DEMO_TOKEN, create_demo_api
from viewer.demo.generate import generate_workflow_run


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve with waitress until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m viewer.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--token", default=DEMO_TOKEN, help="bearer token clients must send")
    parser.add_argument("--no-auth", action="store_true", help="accept requests without a token")
    parser.add_argument("--running-seconds", type=float, default=90.0)
    parser.add_argument(
        "--generate",
        type=int,
        action="append",
        default=[],
        metavar="STEPS",
        help="also serve a generated run of STEPS steps as run_gen_STEPS (repeatable)",
    )
    args = parser.parse_args(argv)
    extra = {f"run_gen_{n}": generate_workflow_run(n, run_id=f"run_gen_{n}") for n in args.generate}
    token = None if args.no_auth else args.token
    app = create_demo_api(token=token, running_seconds=args.running_seconds, extra_runs=extra)
    auth = "no auth" if token is None else "bearer token required"
    print(
        f"demo runs API listening on http://{args.host}:{args.port}/v1/runs/ ({auth})", flush=True
    )
    waitress.serve(app, host=args.host, port=args.port, threads=8)


if __name__ == "__main__":
    main()
