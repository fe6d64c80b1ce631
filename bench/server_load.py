"""Reward server under load: HTTP throughput against in-process `rlvr` batch verification, same items.

    .venv/bin/python bench/server_load.py [--load math|mixed|all] [--items 4096] [--batch 32] [--clients 64]
        [--workers N] [--client lean|httpx]

For each load (math: completions of Math-v1; mixed: math, seven logic envs and Code-v1 interleaved, so code needs
Docker), it runs the in-process Runtime (before and after the HTTP run; the ratio uses the faster run), then
starts `python -m rlvr.server` with the same number of workers and sends the same items from `--clients`
concurrent keep-alive connections, in batches. Prints items/s side by side, the ratio HTTP / in-process (goal:
>= 0.8), per-request p50/p99 latency, errors, lost and mismatched items (a reordered result is a mismatch: the
items alternate verdicts), and the CPU seconds the server process and this client spent.

The client is lean on purpose (request bodies encoded before the clock starts, raw HTTP/1.1, orjson): on a small
machine the client shares the cores with the server's workers, and a heavy client (`--client httpx`, about
0.3 ms of CPU per item) measures itself. A benchmark, not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx
import orjson

from rlvr.runtime import Runtime
from rlvr.workers import PoolConfig, WorkerPool

ENV = "rlvr/Math-v1"
LOGIC_ENVS = ("rlvr/Sudoku-v1", "rlvr/Countdown-v1", "rlvr/KnightsKnaves-v1", "rlvr/Zebra-v1", "rlvr/NQueens-v1",
              "rlvr/Maze-v1", "rlvr/Cryptarithm-v1")
CODE_ENV = "rlvr/Code-v1"
CODE_REFERENCE = {"asserts": ["assert add(1, 2) == 3", "assert add(-4, 4) == 0"]}


def make_items(n: int, seed: int) -> list[dict]:
    """Realistic completions: integers, fractions, decimals, LaTeX, equations; right, wrong and no answer."""
    rng = random.Random(seed)
    items = []
    for i in range(n):
        a, b = rng.randint(1, 999), rng.randint(2, 97)
        kind = i % 8
        if kind == 0:
            gold, said = str(a), f"Adding the parts gives {a}. \\boxed{{{a}}}"
        elif kind == 1:
            gold, said = f"{a}/{b}", f"So the ratio is \\boxed{{\\frac{{{a}}}{{{b}}}}}."
        elif kind == 2:
            gold, said = f"{a / 4:g}", f"Each share is {a}/4 = \\boxed{{{a / 4:g}}}"
        elif kind == 3:
            gold, said = str(a), f"Solving 2x = {2 * a} gives \\boxed{{x = {a}}}"
        elif kind == 4:
            gold, said = str(a), f"I get \\boxed{{{a + 1}}}."
        elif kind == 5:
            gold, said = f"\\sqrt{{{b}}}", f"The side is \\boxed{{\\sqrt{{{b}}}}}"
        elif kind == 6:
            gold, said = f"{a}", f"Answer: {a - 1} apples, I think, but I am not certain of it."
        else:
            gold, said = (
                f"{a}/{b}",
                f"$\\frac{{{2 * a}}}{{{2 * b}}}$ simplifies, final answer \\boxed{{{a}/{b}}}",
            )
        items.append({"env": ENV, "completion": said, "reference": {"answer": gold}})
    return items


def make_mixed(n: int, seed: int) -> list[dict]:
    """Math, logic and code interleaved (9 : 6 : 1), each right or wrong: what a mixed RL batch looks like. Code is
    the rarest because each check is a sandboxed run, which would otherwise set the pace on both sides alike."""
    import gymnasium

    math = iter(make_items(n, seed))
    envs = {env_id: gymnasium.make(env_id).unwrapped for env_id in LOGIC_ENVS}
    logic = [_logic_item(envs[env_id], env_id, index) for index in range(8) for env_id in LOGIC_ENVS]
    rng = random.Random(seed)
    items = []
    for i in range(n):
        slot = i % 16
        if slot < 9:
            items.append(next(math))
        elif slot < 15:
            item = dict(logic[i % len(logic)])
            if rng.random() < 0.3:
                item["completion"] = "I could not finish this one; my answer is <answer>none</answer>"
            items.append(item)
        else:
            body = "return a + b" if rng.random() < 0.7 else "return a - b"
            items.append({"env": CODE_ENV, "completion": f"```python\ndef add(a, b):\n    {body}\n```",
                          "reference": CODE_REFERENCE})
    return items


def _logic_item(env, env_id: str, index: int) -> dict:
    _, info = env.reset(options={"index": index})
    return {"env": env_id, "completion": env.reference_completion(env.task), "reference": info["reference"]}


def run_in_process(items: list[dict], workers: int) -> tuple[float, list[dict]]:
    verifier = Runtime(WorkerPool(PoolConfig(workers=workers)))
    try:
        verifier.verify_batch(items[: max(workers * 8, 64)])  # warm workers and executors, as the server is warmed
        started = time.perf_counter()
        results = verifier.verify_batch(items)
        return time.perf_counter() - started, [r.to_dict() for r in results]
    finally:
        verifier.close()


def start_server(workers: int, batch: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "RLVR_WORKERS": str(workers),
        "RLVR_MAX_BATCH": str(max(batch, 1024)),
        "RLVR_MAX_PENDING": "100000",
        "RLVR_PORT": str(port),
    }
    proc = subprocess.Popen([sys.executable, "-m", "rlvr.server", "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not become ready")


class Connection:
    """One keep-alive HTTP/1.1 connection: a POST of ready bytes, the status and the body back."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """Like any keep-alive client, send again once on a fresh connection when the server had closed the
        idle one (it answers nothing then); a connection that fails fresh is an error."""
        fresh = self.writer is None
        if fresh:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        try:
            return await self._exchange(path, body)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            self.close()
            if fresh or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                raise
            return await self.post(path, body)

    async def _exchange(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (f"POST {path} HTTP/1.1\r\nhost: {self.host}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if line)
        content = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            self.close()
        return int(lines[0].split()[1]), content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def run_http(url: str, items: list[dict], batch: int, clients: int,
                   kind: str = "lean") -> tuple[float, list, list[float], int]:
    starts = range(0, len(items), batch)
    bodies = [(i, len(items[i : i + batch]), json.dumps({"items": items[i : i + batch]}).encode()) for i in starts]
    queue: asyncio.Queue = asyncio.Queue()
    for entry in bodies:
        queue.put_nowait(entry)
    results: list = [None] * len(items)
    latencies: list[float] = []
    errors = 0

    async def client(post) -> None:
        nonlocal errors
        while not queue.empty():
            start, count, body = queue.get_nowait()
            sent = time.perf_counter()
            try:
                status, content = await post(body)
            except (OSError, asyncio.IncompleteReadError, httpx.HTTPError):
                errors += 1
                continue
            latencies.append(time.perf_counter() - sent)
            answer = orjson.loads(content)["results"] if status == 200 else []
            if len(answer) != count:
                errors += 1  # the items of a refused or short answer stay None: lost
            for offset, result in enumerate(answer[:count]):
                results[start + offset] = result

    if kind == "httpx":
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        headers = {"content-type": "application/json"}
        async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits, headers=headers) as http:

            async def post(body: bytes) -> tuple[int, bytes]:
                reply = await http.post("/verify/batch", content=body)
                return reply.status_code, reply.content

            await post(bodies[0][2])  # warm a connection and the workers
            started = time.perf_counter()
            await asyncio.gather(*(client(post) for _ in range(clients)))
            return time.perf_counter() - started, results, latencies, errors
    connections = [Connection(url) for _ in range(clients)]
    try:
        await asyncio.gather(*(c.post("/verify/batch", bodies[0][2]) for c in connections))  # connect and warm
        started = time.perf_counter()
        await asyncio.gather(*(client(lambda body, c=c: c.post("/verify/batch", body)) for c in connections))
        return time.perf_counter() - started, results, latencies, errors
    finally:
        for connection in connections:
            connection.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (not its children: the workers do the same work in-process)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(load: str, items: list[dict], args: argparse.Namespace) -> dict:
    """One load, side by side: in-process, then HTTP, then in-process again."""
    load_before = os.getloadavg()[0]
    before_s, local = run_in_process(items, args.workers)
    proc, url = start_server(args.workers, args.batch)
    try:
        server_cpu, client_cpu = cpu_seconds(proc.pid), time.process_time()
        http_s, remote, latencies, errors = asyncio.run(run_http(url, items, args.batch, args.clients, args.client))
        server_cpu, client_cpu = cpu_seconds(proc.pid) - server_cpu, time.process_time() - client_cpu
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    after_s, _ = run_in_process(items, args.workers)  # again, so drift in machine load shows up
    local_s = min(before_s, after_s)  # the ratio is taken against the faster in-process run

    lost = sum(r is None for r in remote)
    key = ("status", "reward")
    mismatched = sum(r is not None and any(r[k] != mine[k] for k in key) for r, mine in zip(remote, local, strict=True))
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "load": load,
        "items": len(items),
        "batch": args.batch,
        "clients": args.clients,
        "client": args.client,
        "workers": args.workers,
        "in_process_items_per_s": [round(len(items) / before_s, 1), round(len(items) / after_s, 1)],
        "http_items_per_s": round(len(items) / http_s, 1),
        "ratio_http_over_in_process": round(local_s / http_s, 3),
        "http_request_p50_ms": round(quantiles[49] * 1000, 1),
        "http_request_p99_ms": round(quantiles[98] * 1000, 1),
        "http_errors": errors,
        "lost_items": lost,
        "mismatched_items": mismatched,
        "server_cpu_s_per_1k_items": round(server_cpu / len(items) * 1000, 3),
        "client_cpu_s_per_1k_items": round(client_cpu / len(items) * 1000, 3),
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "statuses": {s: sum(r["status"] == s for r in local) for s in sorted({r["status"] for r in local})},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--load", choices=["math", "mixed", "all"], default="all")
    parser.add_argument("--items", type=int, default=4096, help="math items (the mixed load has a quarter as many)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--client", choices=["lean", "httpx"], default="lean")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    loads = {"math": lambda: make_items(args.items, args.seed), "mixed": lambda: make_mixed(args.items // 4, args.seed)}
    for load in loads if args.load == "all" else [args.load]:
        print(json.dumps(measure(load, loads[load](), args), indent=2), flush=True)


if __name__ == "__main__":
    main()
