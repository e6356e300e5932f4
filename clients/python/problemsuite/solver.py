"""External solvers: `serve(solver)` turns a function solver(problem, x0, settings) into a
solver the harness runs (solver mode of docs/oracle-protocol.md).

The harness starts the script, sends tasks one after the other, and keeps control of the
protocol: every gradient request is an iterate x_k, recorded in the run's trace; the
harness applies the suite's stop test (||g_k|| <= eps, k = kmax) and, when it fires,
`problem.grad` raises `Stop` -- the solver need not test eps or kmax itself. A solver
that stops for a reason of its own returns one of "gradient-tolerance",
"iteration-limit", "zero-oracle-direction", "non-finite" (default "iteration-limit").

stdout carries the protocol: while the solver runs, `print` goes to stderr (which the
harness captures and shows when a task fails).
"""
import json
import os
import struct
import sys
import traceback

import numpy as np

from . import _wire as w


class Stop(Exception):
    """Raised by TaskProblem.grad/fg when the harness's stop test fired: the run is over."""

    def __init__(self, reason, gradient, value=None):
        super().__init__(reason)
        self.reason = reason
        self.gradient = gradient
        self.value = value


class TaskProblem:
    """The problem of one task: f(x), grad(x), fg(x), metadata, n, settings."""

    def __init__(self, channel, task):
        self._ch = channel
        self.metadata = task["problem"]
        self.name = self.metadata["name"]
        self.n = int(self.metadata["dimension"])
        self.family = self.metadata["family"]
        self.task = task.get("task")
        self.stopped = None

    def _ask(self, kind, x, expect):
        if self.stopped:
            raise Stop(self.stopped, None)
        self._ch.send(kind, w.as_vector(x, self.n))
        k, code, _, data = self._ch.receive("a reply")
        if k != expect:
            raise w.ProtocolError(f"reply of kind 0x{k:02x}, expected 0x{expect:02x}")
        return code, data

    def f(self, x):
        """f(x): not an iterate (a line search may ask for any point)."""
        _, data = self._ask(w.VALUE_REQUEST, x, w.VALUE)
        return struct.unpack("<d", data)[0]

    def grad(self, x):
        """The gradient at the iterate x (recorded by the harness); raises Stop when the
        harness's stop test fired at x."""
        code, data = self._ask(w.GRADIENT_REQUEST, x, w.GRADIENT)
        g = w.vector(data)
        if code:
            self.stopped = w.STOP_REASONS.get(code, "iteration-limit")
            raise Stop(self.stopped, g)
        return g

    def fg(self, x):
        """(f(x), gradient) at the iterate x; raises Stop as grad does."""
        code, data = self._ask(w.VALUE_GRADIENT_REQUEST, x, w.VALUE_GRADIENT)
        v = w.vector(data)
        if code:
            self.stopped = w.STOP_REASONS.get(code, "iteration-limit")
            raise Stop(self.stopped, v[1:], float(v[0]))
        return float(v[0]), v[1:]


def serve(solver, name=None, stdin=None, stdout=None):
    """Serves tasks until the harness says shutdown (or closes the pipe): for each,
    calls solver(problem, x0, settings) and ends the task with its stop reason.

    A Python exception in the solver is sent to the harness as an error (the task fails
    with the traceback; the harness then ends this process).
    """
    if stdin is None or stdout is None:
        # The protocol keeps the real stdout; print() in the solver goes to stderr.
        proto_out = os.fdopen(os.dup(1), "wb", buffering=1 << 16)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        proto_in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
    else:
        proto_in, proto_out = stdin, stdout
    ch = w.Channel(proto_in, proto_out, peer="harness")
    kind, _, _, payload = ch.receive("the harness's hello")
    if kind != w.HELLO:
        raise w.ProtocolError(f"first message of kind 0x{kind:02x}, expected a hello")
    hello = json.loads(payload.decode("utf-8"))
    if hello.get("version") != w.VERSION:
        raise w.ProtocolError(f"the harness speaks protocol version {hello.get('version')}, this client {w.VERSION}")
    ch.send(w.CLIENT_HELLO, json.dumps({"protocol": w.NAME, "version": w.VERSION,
                                        "solver": name or getattr(solver, "__name__", "solver")}).encode())
    while True:
        msg = ch.receive("a task", end_allowed=True)
        if msg is None or msg[0] == w.SHUTDOWN:
            return
        kind, _, _, payload = msg
        if kind != w.TASK:
            raise w.ProtocolError(f"message of kind 0x{kind:02x}, expected a task or shutdown")
        task = json.loads(payload.decode("utf-8"))
        kind, _, _, x0data = ch.receive("the starting point")
        if kind != w.VECTOR:
            raise w.ProtocolError(f"message of kind 0x{kind:02x} after a task, expected the starting point")
        problem = TaskProblem(ch, task)
        x0 = w.vector(x0data)
        try:
            reason = solver(problem, x0, dict(task["settings"]))
        except Stop as s:
            reason = s.reason
        except w.ProtocolError:
            raise
        except Exception:
            ch.send(w.ERROR, traceback.format_exc().encode("utf-8")[-60000:], code=w.ERROR_FATAL)
            raise
        if problem.stopped:
            reason = problem.stopped
        reason = reason or "iteration-limit"
        if reason not in w.STOP_CODES:
            msg = f"solver returned stop reason {reason!r}; expected one of {sorted(w.STOP_CODES)}"
            ch.send(w.ERROR, msg.encode(), code=w.ERROR_FATAL)
            raise ValueError(msg)
        ch.send(w.END, code=w.STOP_CODES[reason])
