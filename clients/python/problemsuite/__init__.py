"""Python client of the problemsuite oracle protocol (docs/oracle-protocol.md).

- `load(name)` gives a problem of the suite: f(x), grad(x), fg(x), start(run), solution,
  metadata, data() for classification problems.
- `serve(solver)` runs a Python function solver(problem, x0, settings) as an external
  solver of the harness (declared in Problems/solvers/*.toml).
"""
from ._wire import ProtocolError, RequestRefused, VERSION
from .client import Problem, Server, find_executable, load, load_many
from .solver import Stop, TaskProblem, serve

__all__ = ["ProtocolError", "RequestRefused", "VERSION", "Problem", "Server", "find_executable",
           "load", "load_many", "Stop", "TaskProblem", "serve"]
