#!/usr/bin/env python3
"""The oracle protocol's cost per call, Python client: the round trip of grad(x) and fg(x)
through `problemsuite oracle` beside the server's own evaluation time (`problemsuite eval`).

    PROBLEMSUITE_EXECUTABLE=.build/release/problemsuite python3 clients/python/examples/overhead.py A1 SPARCO12
"""
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import problemsuite  # noqa: E402


def median_time(fn, min_time=1.0):
    fn()
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < min_time or len(times) < 20:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


for name in sys.argv[1:] or ["A1", "SPARCO12"]:
    exe = problemsuite.find_executable()
    ev = json.loads(subprocess.run([exe, "eval", name, "--json", "--min-time", "1"], check=True,
                                   capture_output=True, text=True).stdout)
    p = problemsuite.load(name)
    x = p.start(0)
    grad_s, reps = median_time(lambda: p.grad(x))
    fg_s, _ = median_time(lambda: p.fg(x))
    p.close()
    serve = ev["valueAndGradientSeconds"]
    print(json.dumps({"problem": name, "n": p.n, "fg_round_trip_s": fg_s, "grad_round_trip_s": grad_s,
                      "server_fg_s": serve, "protocol_overhead_per_call_s": fg_s - serve, "calls": reps}))
