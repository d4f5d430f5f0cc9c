"""The CI files of the nightly regression (.ci/gitlab-ci.yml, .ci/github-nightly.yml) run exactly the
commands README.md documents for the nightly, in a Debian 12 container after scripts/setup, and
publish the JUnit file even when the comparison fails.
Usage: ci-nightly-test.py (from anywhere)."""

import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT, check, finish, require  # noqa: E402


def lines_of(commands):
    """Shell lines of a list of commands (multi-line `run:` blocks split), comments and blanks dropped."""
    out = []
    for c in commands:
        for line in str(c).splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


# The README's nightly: the sh block after "**Nightly.**", its scripts/ofab lines.
with open(os.path.join(ROOT, "README.md")) as f:
    readme = f.read()
nightly = readme.split("**Nightly.**", 1)
require(len(nightly) == 2, "the README has a **Nightly.** paragraph")
block = re.search(r"```sh\n(.*?)```", nightly[1], re.S)
require(block is not None, "with a sh block of commands")
documented = [line for line in lines_of([block.group(1)]) if line.startswith("scripts/")]
check(documented == [
    "scripts/ofab sweep experiments/baselines/nightly.yaml -o out/nightly --force",
    "scripts/ofab compare out/nightly experiments/baselines/nightly --tolerance experiments/baselines/tolerances.yaml",
], "the README documents the sweep and the comparison", str(documented))
junit = "out/nightly/compare.xml"  # compare's default: <results>/compare.xml

# GitLab CI.
with open(os.path.join(ROOT, ".ci/gitlab-ci.yml")) as f:
    gitlab = yaml.safe_load(f)
jobs = {k: v for k, v in gitlab.items() if isinstance(v, dict) and "script" in v}
require(len(jobs) == 1, "gitlab-ci.yml has one job", str(list(jobs)))
job = next(iter(jobs.values()))
script = lines_of(job.get("before_script", []) + job["script"])
check(job.get("image") == "debian:12", "GitLab: the job runs in debian:12", str(job.get("image")))
check(script == ["scripts/setup"] + documented,
      "GitLab: it runs scripts/setup, then exactly the README's nightly commands", str(script))
artifacts = job.get("artifacts", {})
check(artifacts.get("reports", {}).get("junit") == junit and artifacts.get("when") == "always",
      "GitLab: the JUnit file is the pipeline's test report, kept when the comparison fails", str(artifacts))
check(any(r.get("if", "").endswith('== "schedule"') for r in job.get("rules", [])), "GitLab: it runs on schedules")

# GitHub Actions (PyYAML reads the key `on` as True).
with open(os.path.join(ROOT, ".ci/github-nightly.yml")) as f:
    github = yaml.safe_load(f)
triggers = github.get("on", github.get(True))
check(isinstance(triggers, dict) and "schedule" in triggers and triggers["schedule"][0]["cron"],
      "GitHub: the workflow runs on a schedule", str(triggers))
require(len(github["jobs"]) == 1, "github-nightly.yml has one job")
gjob = next(iter(github["jobs"].values()))
check(gjob.get("container") in ("debian:12", {"image": "debian:12"}), "GitHub: the job runs in debian:12",
      str(gjob.get("container")))
steps = gjob["steps"]
runs = lines_of(s["run"] for s in steps if "run" in s and "if" not in s)
check(runs == ["scripts/setup"] + documented,
      "GitHub: it runs scripts/setup, then exactly the README's nightly commands", str(runs))
publish = [s for s in steps if "uses" in s and junit in str(s.get("with", {}))]
check(len(publish) >= 1 and all(s.get("if") == "always()" for s in publish),
      "GitHub: a step publishes the JUnit file, also when the comparison fails", str(publish))
check(steps[0].get("uses", "").startswith("actions/checkout@"), "GitHub: the first step checks the project out")

# The README says where each file goes.
for name, target in ((".ci/gitlab-ci.yml", ".gitlab-ci.yml"), (".ci/github-nightly.yml", ".github/workflows/")):
    check(f"`{name}`" in readme and f"`{target}" in readme, f"the README says to copy {name} to {target}")

finish()
