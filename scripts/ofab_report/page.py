"""The HTML page: one self-contained file, styles inline, images as data URIs."""

import html
import math

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1150px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
.sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
tr.bad td { background: #fde8e8; }
img { max-width: 100%; display: block; margin: 0.5em 0; }
.warn { background: #fff3cd; border: 1px solid #e0c36a; padding: 0.6em 1em; }
.note { color: #555; font-size: 0.9em; }
table.cmp th { white-space: nowrap; } table.cmp td.l { min-width: 12em; }
table.rec td:first-child { white-space: nowrap; }
.scroll { overflow-x: auto; }
"""


def img(data, alt):
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def page(title, subtitle, sections, warning=None):
    body = [f"<h1>{html.escape(title)}</h1>", f'<p class="sub">{html.escape(subtitle)}</p>']
    if warning:
        body.append(f'<p class="warn">{html.escape(warning)}</p>')
    body.append("<p>" + " &middot; ".join(f'<a href="#{sid}">{html.escape(h)}</a>' for sid, h, _ in sections) + "</p>")
    for sid, heading, content in sections:
        body.append(f'<section id="{sid}"><h2>{html.escape(heading)}</h2>\n{content}\n</section>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def table(header, rows, left=1, bad_rows=(), cls=None):
    out = [(f'<table class="{cls}">' if cls else "<table>") + "<tr>" + "".join(f'<th class="{"l" if i < left else ""}">{html.escape(str(h))}</th>'
                                   for i, h in enumerate(header)) + "</tr>"]
    for r, row in enumerate(rows):
        cls = ' class="bad"' if r in bad_rows else ""
        out.append(f"<tr{cls}>" + "".join(f'<td class="{"l" if i < left else ""}">{html.escape(str(c))}</td>'
                                         for i, c in enumerate(row)) + "</tr>")
    return "\n".join(out) + "</table>"


def fmt(v, digits=6):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float):
        if 1e4 <= abs(v) < 1e15:
            return f"{v:,.0f}"  # 290,412 reads better than 2.904e+05
        return f"{v:.{digits}g}"
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 1e4:
        return f"{v:,}"
    return str(v)


SPEED = [("wall_s", "wall time (s)", 3), ("events", "simulator events", 6), ("events_per_wall_s", "events per wall second", 4),
         ("flit_hops_per_wall_s", "flit-hops per wall second", 4), ("sim_time_ns", "simulated time (µs)", 6)]


def simulation_table(entries, what="run"):
    """The simulator's own speed, apart from the design figures: it says how fast the emulator ran
    on this machine, nothing about the fabric. entries: [(label, [summary per seed])]; seeds averaged."""
    rows = []
    for label, summaries in entries:
        cells = [label]
        for key, _, digits in SPEED:
            vals = [s[key] for s in summaries if isinstance(s, dict) and isinstance(s.get(key), (int, float))]
            v = sum(vals) / len(vals) if vals else None
            cells.append(fmt(v / 1e3 if v is not None and key == "sim_time_ns" else v, digits))
        rows.append(cells)
    return (table([what] + [label for _, label, _ in SPEED], rows) +
            '<p class="note">How fast the simulator ran (on the machine that ran it; means over seeds), '
            "not a property of the fabric.</p>")
