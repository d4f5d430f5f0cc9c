"""The report pages in a real browser: headless Chromium renders the run, variants and sweep pages (and
the variants page of a fabric of optical circuit switches, and a region's page from the summary kept in
tests/fabric/app/data/), and each screenshot must show a page, not
a blank or broken one: its full size, many colours, ink all the way down (the embedded plots decoded
and laid out), saturated plot colours beside the grey text.
Exit 77 (skipped) without Chromium (scripts/setup installs it). On a failure the screenshots are kept
and their folder printed, to look at.
Usage: report-browser-test.py OFAB_BINARY (run from the project root)."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import PYTHON, ROOT, check, failures, finish, require, run, workdir  # noqa: E402
from reportlib import make_ocs, make_run, make_sweep, make_variants  # noqa: E402

import matplotlib.image  # noqa: E402  (reportlib chose the Agg backend)
import numpy as np  # noqa: E402

WIDTH, HEIGHT = 1400, 4000
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    print("skipped: no chromium (scripts/setup installs it)")
    sys.exit(77)

ofab = sys.argv[1]
report = os.path.join(ROOT, "scripts/report")
tmp = workdir("report-browser")


def screenshot(page, png):
    """Chromium's own screenshot of the page at WIDTH x HEIGHT (--no-sandbox: tests may run as root)."""
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={png}", "file://" + os.path.abspath(page)]
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return False, "chromium did not finish in 120 s"
    return p.returncode == 0 and os.path.isfile(png), p.stderr[-2000:]


def looks_real(png, name):
    """The screenshot is a rendered report: size, colours, ink below the fold, plot colours."""
    pixels = matplotlib.image.imread(png)[:, :, :3]
    check(pixels.shape[:2] == (HEIGHT, WIDTH), f"{name}: a {WIDTH} x {HEIGHT} screenshot", str(pixels.shape))
    colours = len(np.unique((pixels * 31).round().astype(np.uint8).reshape(-1, 3), axis=0))
    ink = (pixels < 0.85).any(axis=2)
    saturated = (pixels.max(axis=2) - pixels.min(axis=2)) > 0.25
    check(colours >= 100, f"{name}: many distinct colours (not blank, not one flat fill)", f"{colours} colours")
    check(ink.mean() > 0.03, f"{name}: ink on the page", f"{ink.mean():.4f} of the pixels")
    check(ink[HEIGHT // 2:].mean() > 0.01, f"{name}: ink in the lower half too (the plots laid out)",
          f"{ink[HEIGHT // 2:].mean():.4f}")
    check(saturated.mean() > 0.005, f"{name}: plot colours, not only text", f"{saturated.mean():.4f}")


trace, _ = make_run(ofab, tmp)
pages = {"run": trace, "variants": make_variants(ofab, tmp), "sweep": make_sweep(ofab, tmp),
         "ocs": make_ocs(ofab, tmp),  # the variants of a fabric of optical circuit switches
         "regional": os.path.join(ROOT, "tests/fabric/app/data/regional-resilience.json")}  # sites on a mesh
for name, source in pages.items():
    html_path = os.path.join(tmp, f"{name}.html")
    code, _, err = run([PYTHON, report, source, "-o", html_path])
    require(code == 0, f"scripts/report renders the {name} page", err)
    png = os.path.join(tmp, f"{name}.png")
    ok, detail = screenshot(html_path, png)
    if check(ok, f"chromium renders the {name} page", detail):
        looks_real(png, name)

if failures:
    print(f"screenshots kept in {tmp}")
else:
    shutil.rmtree(tmp)
finish()
