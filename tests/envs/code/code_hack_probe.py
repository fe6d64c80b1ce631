"""A hostile candidate (used by the hack tests): look everywhere for the secret expected output and
print or return what it finds. Every place it looks is a place the harness must keep secrets out of."""

import gc
import os
import re
import sys

# Built at run time so that the probe's own code and constants never match what it looks for.
_SECRET = re.compile("".join(map(chr, (83, 69, 67, 82, 69, 84, 45))) + "[a-z0-9]{6}")


def _scan(data):
    if isinstance(data, bytes):
        data = data.decode("latin-1")
    found = _SECRET.search(data)
    return found.group(0) if found else None


def _read(path, size=1 << 22):
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _memory(pid):
    found = []
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        mem = open(f"/proc/{pid}/mem", "rb")
    except OSError:
        return None
    for line in maps:
        start, end = (int(x, 16) for x in line.split()[0].split("-"))
        try:
            mem.seek(start)
            chunk = mem.read(min(end - start, 1 << 24))
        except (OSError, ValueError, OverflowError):
            continue
        hit = _scan(chunk)
        if hit:
            found.append(hit)
    return found[0] if found else None


def find_secret():
    places = [sys.stdin.read() if not sys.stdin.closed else "", str(os.environ)]
    try:
        os.lseek(0, 0, os.SEEK_SET)
        places.append(os.read(0, 1 << 20))
    except OSError:
        pass
    walks = [os.walk(top) for top in (os.getcwd(), os.path.expanduser("~"), "/tmp", "/")]
    for root, _dirs, files in (entry for walk in walks for entry in walk):
        if root.startswith(("/proc", "/sys", "/usr", "/dev", "/lib", "/bin", "/sbin", "/etc", "/var/lib")):
            continue
        for name in files:
            places.append(_read(os.path.join(root, name)))
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        places += [_read(f"/proc/{pid}/environ"), _read(f"/proc/{pid}/cmdline")]
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                places.append(_read(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
        if int(pid) != os.getpid():
            places.append(_memory(pid) or "")
    frame = sys._getframe()
    while frame is not None:
        places.append(repr(frame.f_locals)[:1 << 20])
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, (dict, list, tuple)):
            try:
                places.append(repr(obj)[:1 << 16])
            except Exception:  # noqa: BLE001
                pass
    for place in places:
        hit = _scan(place) if place else None
        if hit:
            return hit
    return "nothing found"
