"""Loading the suite's problems: `problemsuite.load("SPARCO3")` starts `problemsuite oracle`
and talks to it over the oracle protocol."""
import json
import os
import shutil
import struct
import subprocess

import numpy as np

from . import _wire as w

ENVIRONMENT_VARIABLE = "PROBLEMSUITE_EXECUTABLE"


def find_executable(executable=None):
    """The `problemsuite` executable: `executable`, else $PROBLEMSUITE_EXECUTABLE, else
    `problemsuite` on PATH."""
    path = executable or os.environ.get(ENVIRONMENT_VARIABLE) or shutil.which("problemsuite")
    if not path:
        raise FileNotFoundError(
            "no problemsuite executable: put it on PATH or set PROBLEMSUITE_EXECUTABLE "
            "(for instance to .build/release/problemsuite after `swift build -c release`)")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise FileNotFoundError(f"{path}: not an executable file (from {'the argument' if executable else ENVIRONMENT_VARIABLE if os.environ.get(ENVIRONMENT_VARIABLE) else 'PATH'})")
    return path


class Problem:
    """One problem of the suite: f(x), grad(x), fg(x), start(run), metadata.

    Every call is one round trip to the server. Vectors are float64 NumPy arrays of n
    entries; a wrong length raises ValueError before anything is sent, a non-finite x is
    refused by the server (RequestRefused).
    """

    def __init__(self, server, index, info):
        self._server = server
        self.index = index
        self.metadata = info["metadata"]
        self.name = self.metadata["name"]
        self.n = int(self.metadata["dimension"])
        self.family = self.metadata["family"]
        self.settings = self.metadata.get("settings", {})
        self.has_solution = bool(info.get("hasSolution"))
        self._data = info.get("data")

    def __repr__(self):
        return f"<problemsuite.Problem {self.name} n={self.n} family={self.family}>"

    def _ask(self, kind, payload=b"", code=0, expect=None):
        ch = self._server._channel()
        ch.send(kind, payload, code=code, problem=self.index)
        k, c, _, data = ch.receive(f"the reply to request 0x{kind:02x}")
        if expect is not None and k != expect:
            raise w.ProtocolError(f"reply of kind 0x{k:02x} to request 0x{kind:02x}, expected 0x{expect:02x}")
        return c, data

    def f(self, x):
        """f(x) as a float."""
        _, data = self._ask(w.VALUE_REQUEST, w.as_vector(x, self.n), expect=w.VALUE)
        return struct.unpack("<d", data)[0]

    def grad(self, x):
        """The gradient at x, a new array."""
        _, data = self._ask(w.GRADIENT_REQUEST, w.as_vector(x, self.n), expect=w.GRADIENT)
        return w.vector(data)

    def fg(self, x):
        """(f(x), gradient at x) in one evaluation."""
        _, data = self._ask(w.VALUE_GRADIENT_REQUEST, w.as_vector(x, self.n), expect=w.VALUE_GRADIENT)
        v = w.vector(data)
        return float(v[0]), v[1:]

    def start(self, run=0):
        """The starting point of run `run` under the suite's protocol (same as the harness's)."""
        if not (isinstance(run, (int, np.integer)) and run >= 0):
            raise ValueError(f"run must be a non-negative integer, got {run!r}")
        _, data = self._ask(w.START_REQUEST, struct.pack("<Q", int(run)), expect=w.VECTOR)
        return w.vector(data)

    @property
    def solution(self):
        """The known (planted) solution, or None."""
        code, data = self._ask(w.SOLUTION_REQUEST, expect=w.VECTOR)
        return None if code == 1 else w.vector(data)

    def data(self):
        """For classification problems, a dict with train/test features (dense, rows x n)
        and labels (+-1); None for other families."""
        if self._data is None:
            return None
        shapes = self._data
        out = {"loss": shapes["loss"]}
        for part, key, rows in ((0, "train_features", shapes["trainRows"]), (1, "train_labels", None),
                                (2, "test_features", shapes["testRows"]), (3, "test_labels", None)):
            code, payload = self._ask(w.DATA_REQUEST, code=part, expect=w.VECTOR)
            v = None if code == 1 else w.vector(payload)
            if v is not None and rows is not None:
                v = v.reshape(rows, shapes["columns"])
            out[key] = v
        return out

    def close(self):
        self._server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Server:
    """A running `problemsuite oracle NAME…` process and its problems."""

    def __init__(self, names, executable=None, problems_dir=None, data_dir=None, stderr=None):
        exe = find_executable(executable)
        args = [exe, "oracle"] + list(names)
        if problems_dir:
            args += ["--problems-dir", str(problems_dir)]
        if data_dir:
            args += ["--data-dir", str(data_dir)]
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr or subprocess.PIPE)
        self._ch = w.Channel(self.process.stdout, self.process.stdin, peer="oracle server")
        try:
            kind, _, _, payload = self._ch.receive("the server's hello")
        except w.ProtocolError as e:
            self.process.wait(timeout=60)
            err = self.process.stderr.read().decode("utf-8", "replace").strip() if self.process.stderr else ""
            raise w.ProtocolError(f"`{' '.join(args)}` failed (exit {self.process.returncode}): {err or e}") from None
        if kind != w.HELLO:
            raise w.ProtocolError(f"the server's first message has kind 0x{kind:02x}, expected a hello")
        hello = json.loads(payload.decode("utf-8"))
        if hello.get("protocol") != w.NAME or hello.get("version") != w.VERSION:
            raise w.ProtocolError(f"the server speaks {hello.get('protocol')} version {hello.get('version')}, this client {w.NAME} version {w.VERSION}")
        self.problems = [Problem(self, i, p) for i, p in enumerate(hello["problems"])]

    def _channel(self):
        if self._ch is None:
            raise w.ProtocolError("the server is closed")
        return self._ch

    def close(self):
        """Sends a close message and waits for the server to exit."""
        if self._ch is None:
            return
        try:
            self._ch.send(w.CLOSE)
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        self._ch = None
        self.process.wait(timeout=60)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def load(name, executable=None, problems_dir=None, data_dir=None):
    """The problem called `name` (or an alias), served by its own `problemsuite oracle`
    process (closed with `.close()` or a `with` block)."""
    return Server([name], executable=executable, problems_dir=problems_dir, data_dir=data_dir).problems[0]


def load_many(names, executable=None, problems_dir=None, data_dir=None):
    """Several problems served by one process: the list of Problems."""
    return Server(names, executable=executable, problems_dir=problems_dir, data_dir=data_dir).problems
