#!/usr/bin/env python3
"""first-frame.py: how long s3share takes from exec to its first frame.

    scripts/first-frame.py [--runs N] [--size 120x40] -- BINARY [ARGS...]

Runs the binary in a pseudo-terminal of the given size, answers the
terminal queries a real terminal answers (background colour, cursor
position), and prints per run the milliseconds from just before exec to
the first frame (the alternate screen entered and the context header
drawn) and to the first frame with listing rows (a "demo-" bucket, or any
text given with --rows). Then it sends q and prints the medians. Not run
by CI: timings belong to a machine, not to a test.
"""
import argparse
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import fcntl
import time

p = argparse.ArgumentParser()
p.add_argument("--runs", type=int, default=10)
p.add_argument("--size", default="120x40")
p.add_argument("--rows", default="demo-", help="text that shows the listing arrived")
p.add_argument("cmd", nargs=argparse.REMAINDER)
a = p.parse_args()
cmd = [c for c in a.cmd if c != "--"]
cols, lines = (int(x) for x in a.size.split("x"))

first_ms, rows_ms = [], []
for run in range(a.runs):
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, cols, 0, 0))
    buf = b""
    first = rows = None
    deadline = t0 + 10
    while rows is None and time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        now = time.monotonic()
        buf += chunk
        if b"\x1b]11;?" in chunk:
            os.write(fd, b"\x1b]11;rgb:0000/0000/0000\x1b\\")
        if b"\x1b[6n" in chunk:
            os.write(fd, b"\x1b[1;1R")
        if first is None and b"\x1b[?1049h" in buf and b"s3://" in buf.split(b"\x1b[?1049h", 1)[1]:
            first = (now - t0) * 1000
        if first is not None and a.rows.encode() in buf:
            rows = (now - t0) * 1000
    os.write(fd, b"q")
    time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    if first is None or rows is None:
        sys.exit(f"run {run}: no frame in 10 s: {buf[-400:]!r}")
    first_ms.append(first)
    rows_ms.append(rows)
    print(f"run {run}: first frame {first:.1f} ms, rows {rows:.1f} ms")
print(f"median of {a.runs}: first frame {statistics.median(first_ms):.1f} ms, rows {statistics.median(rows_ms):.1f} ms")
