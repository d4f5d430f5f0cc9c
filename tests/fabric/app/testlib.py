"""Helpers of the sweep suite's end-to-end tests: run a program, check, fail with a clear message."""

import csv
import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PYTHON = "/usr/bin/python3"
failures = []


def run(args, **kw):
    """Runs a command; returns (exit code, stdout, stderr)."""
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def check(condition, what, detail=""):
    """Records a failed check (the test goes on, so one run reports every problem)."""
    if condition:
        print(f"ok    {what}")
    else:
        print(f"FAIL  {what}" + (f"\n      {detail}" if detail else ""))
        failures.append(what)
    return condition


def require(condition, what, detail=""):
    """A check the rest of the test depends on: stop at once when it fails."""
    if not check(condition, what, detail):
        finish()


def finish():
    if failures:
        print(f"\n{len(failures)} check(s) failed: " + "; ".join(failures))
        sys.exit(1)
    print("\nall checks passed")
    sys.exit(0)


def read_index(folder):
    with open(os.path.join(folder, "index.csv"), newline="") as f:
        return list(csv.DictReader(f))


def workdir(name):
    return tempfile.mkdtemp(prefix=f"ofab-{name}-")
