"""`rlvr sandbox build` (the executor image) and `rlvr sandbox run` (one program, for a quick check)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from rlvr.sandbox.languages import LANGUAGES

    parser = subparsers.add_parser("sandbox", help="build the sandbox executor image or run a program in it",
                                   description="Build the executor image, or run one program in the sandbox.")
    commands = parser.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    build = commands.add_parser("build", help="build the executor image",
                                description="Build the Docker image the sandbox runs programs in.")
    build.add_argument("--image", default=None, help="tag to build (default rlvr-executor:latest)")
    build.add_argument("--base", default=None, help="base image (default: the Dockerfile's python image)")
    build.add_argument("--offline", action="store_true",
                       help="use a local Debian base made with debootstrap (no registry needed; root)")
    build.set_defaults(func=_build)
    run = commands.add_parser("run", help="run a program from a file (or - for stdin) and print the result",
                              description="Run one program and print its result as JSON.",
                              epilog="Exit codes: 0 the program ran and exited 0; 1 it failed (non-zero exit, "
                              "killed, over a limit); 2 it could not be run (no such file, no Docker, ...).")
    run.add_argument("path", help="the program's source file, or - to read it from stdin")
    run.add_argument("--language", default="python", choices=sorted(LANGUAGES))
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
    from rlvr.errors import ConfigError
    from rlvr.sandbox import Limits, Sandbox

    try:
        code = sys.stdin.read() if args.path == "-" else Path(args.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the program {args.path}: {getattr(exc, 'strerror', None) or exc}; "
                          "pass a UTF-8 source file, or - to read stdin") from None
    limits = Limits(wall_time_s=args.wall_time, cpu_time_s=args.wall_time)
    with Sandbox(args.backend, executors=1, slots=1) as box:
        result = box.run(code, language=args.language, stdin=args.stdin, limits=limits)
    print(json.dumps(result.to_dict(), indent=2))
    return 0 if result.ok else 1
