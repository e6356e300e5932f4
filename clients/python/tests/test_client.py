"""Tests of the Python client against a real `problemsuite oracle` (python3 -m unittest
discover -s clients/python/tests). The executable: $PROBLEMSUITE_EXECUTABLE, else
.build/debug/problemsuite of the checkout, else `problemsuite` on PATH."""
import os
import subprocess
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
try:
    import problemsuite as ps  # the installed client (pip install ./clients/python)
except ImportError:
    sys.path.insert(0, os.path.join(HERE, ".."))
    import problemsuite as ps  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
if not os.environ.get("PROBLEMSUITE_EXECUTABLE"):
    candidate = os.path.join(REPO, ".build", "debug", "problemsuite")
    if os.path.exists(candidate):
        os.environ["PROBLEMSUITE_EXECUTABLE"] = candidate


class ClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.problems = ps.load_many(["A1", "SPARCO3"], problems_dir=os.path.join(REPO, "Problems"))

    @classmethod
    def tearDownClass(cls):
        cls.problems[0].close()

    def test_metadata_and_start(self):
        a1, sparco3 = self.problems
        self.assertEqual(a1.name, "A1")
        self.assertEqual(a1.n, 1024)
        self.assertEqual(sparco3.name, "SPARCO3")
        x0 = a1.start(0)
        self.assertEqual(x0.shape, (1024,))
        self.assertEqual(np.count_nonzero(x0), a1.settings["nR"])
        self.assertAlmostEqual(float(np.linalg.norm(x0)), 1.0, places=14)
        self.assertFalse(np.array_equal(x0, a1.start(1)))
        np.testing.assert_array_equal(x0, a1.start(0))

    def test_fg_consistent_and_gradient_matches_finite_differences(self):
        for p in self.problems:
            x = p.start(0) + 0.01
            f, g = p.fg(x)
            self.assertEqual(f, p.f(x))
            np.testing.assert_array_equal(g, p.grad(x))
            rng = np.random.default_rng(1)
            d = rng.standard_normal(p.n)
            h = 1e-6
            fd = (p.f(x + h * d) - p.f(x - h * d)) / (2 * h)
            self.assertAlmostEqual(fd, float(g @ d), delta=1e-5 * max(1.0, abs(fd)))

    def test_planted_solution(self):
        a1 = self.problems[0]
        s = a1.solution
        self.assertIsNotNone(s)
        self.assertEqual(s.shape, (a1.n,))
        self.assertLess(a1.f(s), 1e-20 + 1e-12 * a1.f(a1.start(0)))

    def test_bad_input_is_refused_and_connection_goes_on(self):
        a1 = self.problems[0]
        with self.assertRaises(ValueError):
            a1.f(np.zeros(3))
        x = np.zeros(a1.n)
        x[7] = np.inf
        with self.assertRaises(ps.RequestRefused) as cm:
            a1.grad(x)
        self.assertIn("x[7] = inf", str(cm.exception))
        self.assertTrue(np.isfinite(a1.f(np.zeros(a1.n))))

    def test_unknown_problem_is_a_clear_error(self):
        with self.assertRaises(ps.ProtocolError) as cm:
            ps.load("NO-SUCH-PROBLEM", problems_dir=os.path.join(REPO, "Problems"))
        self.assertIn("NO-SUCH-PROBLEM", str(cm.exception))

    def test_classification_data(self):
        data_dir = os.environ.get("PROBLEMSUITE_DATA") or os.path.join(REPO, "..", "shared", "data")
        if not os.path.isdir(data_dir):
            self.skipTest("no data directory")
        try:
            p = ps.load("MOLECULE", data_dir=data_dir, problems_dir=os.path.join(REPO, "Problems"))
        except ps.ProtocolError as e:
            self.skipTest(f"MOLECULE not available: {e}")
        with p:
            d = p.data()
            a, y = d["train_features"], d["train_labels"]
            self.assertEqual(a.shape, (y.shape[0], p.n))
            self.assertTrue(set(np.unique(y)) <= {-1.0, 1.0})
            self.assertEqual(d["test_features"].shape[1], p.n)
            self.assertIsNone(self.problems[0].data())

    def test_missing_executable_is_a_clear_error(self):
        with self.assertRaises(FileNotFoundError):
            ps.find_executable("/nonexistent/problemsuite")


if __name__ == "__main__":
    unittest.main()
