"""`rlvr sandbox build` (the executor image) and `rlvr sandbox run` (one program, for a quick check)."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help="build the sandbox executor image or run a program in it")
    commands = parser.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    build = commands.add_parser("build", help="build the executor image")
    build.add_argument("--image", default=None, help="tag to build (default rlvr-executor:latest)")
    build.add_argument("--base", default=None, help="base image (default: the Dockerfile's python image)")
    build.add_argument("--offline", action="store_true",
                       help="use a local Debian base made with debootstrap (no registry needed; root)")
    build.set_defaults(func=_build)
    run = commands.add_parser("run", help="run a program from a file (or - for stdin) and print the result")
    run.add_argument("path")
    run.add_argument("--language", default="python")
    run.add_argument("--backend", default="docker", choices=("docker", "local"))
    run.add_argument("--stdin", default="", help="text fed to the program's stdin")
    run.add_argument("--wall-time", type=float, default=10.0)
    run.set_defaults(func=_run)


def _build(args: argparse.Namespace) -> int:
    from rlvr.sandbox.docker_pool import DEFAULT_IMAGE
    from rlvr.sandbox.images import build_executor_image

    image = build_executor_image(args.image or DEFAULT_IMAGE, base_image=args.base, offline=args.offline)
    print(image)
    return 0


def _run(args: argparse.Namespace) -> int:
    from rlvr.sandbox import Limits, Sandbox

    code = sys.stdin.read() if args.path == "-" else open(args.path).read()
    limits = Limits(wall_time_s=args.wall_time, cpu_time_s=args.wall_time)
    with Sandbox(args.backend, executors=1, slots=1) as box:
        result = box.run(code, language=args.language, stdin=args.stdin, limits=limits)
    print(json.dumps(result.to_dict(), indent=2))
    return 0 if result.ok else 1
