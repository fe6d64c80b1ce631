"""`rlvr serve`: run the reward server with uvicorn (one process; scale out with replicas, or front a Ray fleet)."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP reward server (settings from RLVR_* variables)",
                                   description="Run the HTTP reward server; docs/api.md lists the RLVR_* settings.")
    parser.add_argument("--host", help="bind address (default RLVR_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default RLVR_PORT or 8000)")
    parser.add_argument("--ray", metavar="ADDRESS", help="front a verification fleet on the Ray cluster at ADDRESS "
                        "(auto, host:port or ray://host:port; default RLVR_RAY_ADDRESS): checks run on its nodes")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from rlvr.server import Settings, create_app
    from rlvr.server.serving import serve

    settings = Settings.from_env(host=args.host, port=args.port, ray_address=args.ray)
    serve(create_app(settings), settings, log_level=args.log_level)
    return 0
