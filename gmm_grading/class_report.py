"""What the class got wrong: one HTML page (opens offline, the plot embedded) and two CSVs per set.

Per question: mean, pass rate, zeros, crashes, timeouts and the typical mistakes the
checks recognised (the hints that fired, by count). Then submissions to look at:
edited test cells, answers that call the library's own function where the question
asks to implement it, and pairs of near-identical answers (similarity.py) — worded
as reasons to look, never as findings.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from .plan import nbgrader_meta, source_of
from .similarity import groups, library_calls, similar_pairs

BLUE, VERMILLION, INK = "#0072B2", "#D55E00", "#222222"  # Okabe–Ito: safe for colour-blind readers
TAMPERING = re.compile(r"(modified|deleted) (test|read-only) cell \w+ restored")


def questions(sources: dict) -> dict:
    """grade_id -> points of every graded cell, in notebook order."""
    return {m["grade_id"]: float(m["points"]) for nb in sources.values() for c in nb["cells"]
            if (m := nbgrader_meta(c)).get("grade")}


def answer_cells(sources: dict) -> dict:
    """grade_id -> (model answer, released template) of every answer cell."""
    out = {}
    for nb in sources.values():
        for cell in (c for c in nb["cells"] if nbgrader_meta(c).get("solution")):
            code = source_of(cell)
            model = re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$", "", code, flags=re.M)
            template = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "raise NotImplementedError()", code, flags=re.S)
            out[nbgrader_meta(cell)["grade_id"]] = (model, template)
    return out


def load_details(autograded: Path, set_name: str, students) -> dict:
    out = {}
    for student in students:
        try:
            out[student] = json.loads((autograded / student / set_name / "grading.json").read_text())
        except (OSError, ValueError):
            pass
    return out


def mistake(cell: dict) -> str | None:
    """The typical mistake a failed question shows: the check's hint, else what kind of failure."""
    if cell["outcome"] != "failed":
        return None
    failure = cell.get("failure") or ""
    hint = re.search(r"Hint: (.+)", failure)
    if hint:
        return hint.group(1).strip()
    if "not answered yet" in failure:
        return "not answered"
    return "visible checks pass, hidden tests fail" if failure.startswith("hidden tests") else "wrong result (no hint)"


def question_table(points: dict, rows: dict, details: dict) -> list:
    """One dict per question: mean, pass rate, zeros, crashes, timeouts, mistakes by count."""
    cells = defaultdict(list)
    for d in details.values():
        for c in d["cells"]:
            cells[c["grade_id"]].append(c)
    table = []
    for gid, full in points.items():
        scores = [float(r[gid]) for r in rows.values() if r.get(gid) not in (None, "")]
        outcomes = Counter(c["outcome"] for c in cells[gid])
        table.append({"question": gid, "points": full, "mean": sum(scores) / max(len(scores), 1),
                      "pass_rate": sum(s == full for s in scores) / max(len(scores), 1),
                      "zeros": sum(s == 0 for s in scores), "crashes": outcomes["crash"],
                      "timeouts": outcomes["timeout"] + outcomes["out of time"],
                      "mistakes": Counter(m for c in cells[gid] if (m := mistake(c))).most_common()})
    return table


def flags(sources: dict, details: dict) -> list:
    """(kind, students, question, detail) worth a look; alike answers as groups, pairwise similarities given."""
    out = [("edited test cell", [s], "", "; ".join(notes)) for s, d in sorted(details.items())
           if (notes := [n for n in d["status"] if TAMPERING.search(n)])]
    cells = answer_cells(sources)
    for gid, (model, template) in cells.items():
        allowed = library_calls(model)
        for s, d in sorted(details.items()):
            extra = library_calls(d["answers"].get(gid, "")) - allowed
            if extra:
                out.append(("calls the library's own function", [s], gid, ", ".join(sorted(extra))))
        answers = {s: d["answers"].get(gid, "") for s, d in details.items()}
        out += [("near-identical answers", members, gid, _similarity(low, high))
                for members, low, high in groups(similar_pairs(answers, [model, template]))]
    return out


def _similarity(low: float, high: float) -> str:
    return f"similarity {low:.2f}" if low == high else f"pairwise similarity {low:.2f} to {high:.2f}"


def histogram(totals: list, full: float, set_name: str) -> tuple[str, str]:
    """The score distribution as a base64 PNG, and its alt text."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.2), dpi=100)
    ax = fig.add_subplot()
    ax.hist(totals, bins=[b - 0.5 for b in range(int(full) + 2)], color=BLUE, edgecolor=INK)
    mean = sum(totals) / max(len(totals), 1)
    ax.axvline(mean, color=VERMILLION, linestyle="--", linewidth=2, label=f"mean {mean:.1f}")
    ax.set(xlabel=f"total score (out of {full:g})", ylabel="submissions", title=f"Scores in {set_name}")
    ax.legend(frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    median = sorted(totals)[len(totals) // 2] if totals else 0
    alt = (f"Histogram of total scores in {set_name}: {len(totals)} submissions, mean {mean:.1f} and median "
           f"{median:g} out of {full:g}; {sum(t == full for t in totals)} with full marks, {totals.count(0.0)} with 0.")
    return base64.b64encode(buffer.getvalue()).decode("ascii"), alt


def _table(caption: str, header: list, body: list) -> str:
    th = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    tr = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in body)
    return f"<table><caption>{html.escape(caption)}</caption><thead><tr>{th}</tr></thead><tbody>{tr}</tbody></table>"


def mistakes_section(table: list) -> str:
    parts = ["<h2>Typical mistakes the checks recognised</h2>"]
    for q in table:
        parts.append(f"<h3>{html.escape(q['question'])}</h3>")
        items = "".join(f"<li>{html.escape(m)}: <strong>{n} student{'s' if n != 1 else ''}</strong></li>"
                        for m, n in q["mistakes"])
        parts.append(f"<ul>{items}</ul>" if items else "<p>No failed checks.</p>")
    return "\n".join(parts)


def page(set_name: str, rows: dict, table: list, found: list, plot: tuple[str, str]) -> str:
    totals = [float(r["total"]) for r in rows.values()]
    full = max((float(r["max_score"]) for r in rows.values()), default=0)
    late = sum(1 for r in rows.values() if float(r.get("seconds_late") or 0) > 0)
    q_rows = [[q["question"], f"{q['points']:g}", f"{q['mean']:.2f}", f"{q['pass_rate']:.0%}", q["zeros"],
               q["crashes"], q["timeouts"]] for q in table]
    f_rows = [[kind, ", ".join(who), gid, detail] for kind, who, gid, detail in found]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Class report: {html.escape(set_name)}</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:{INK};line-height:1.4}}
table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #888;padding:.3rem .6rem;text-align:left}}
caption{{text-align:left;font-weight:bold;padding:.3rem 0}}th{{background:#e8eef4}}</style></head><body>
<h1>Class report: {html.escape(set_name)}</h1>
<p>{len(rows)} submissions graded; mean {sum(totals) / max(len(totals), 1):.2f} of {full:g}; {late} late.</p>
<h2>Score distribution</h2>
<img src="data:image/png;base64,{plot[0]}" alt="{html.escape(plot[1])}" width="640" height="320">
<h2>Per question</h2>
{_table("Scores per question", ["question", "points", "mean", "pass rate", "zeros", "crashes", "timeouts"], q_rows)}
{mistakes_section(table)}
<h2>Submissions to look at</h2>
<p>Reasons to open a submission, not findings: similar answers to a short, well-posed question are common,
and a restored test cell cost its author nothing.</p>
{_table("Flags", ["reason", "submissions", "question", "detail"], f_rows) if f_rows else "<p>None.</p>"}
</body></html>
"""


def write_report(folder: Path, set_name: str, sources: dict, rows: dict, autograded: Path) -> Path:
    """Write <set>_report.html, <set>_questions.csv and <set>_flags.csv into folder; returns the HTML path."""
    details = load_details(autograded, set_name, rows)
    table, found = question_table(questions(sources), rows, details), flags(sources, details)
    full = sum(questions(sources).values())
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{set_name}_report.html"
    out.write_text(page(set_name, rows, table, found, histogram([float(r["total"]) for r in rows.values()],
                                                                 full, set_name)))
    write_csv(folder / f"{set_name}_questions.csv", ["question", "points", "mean", "pass_rate", "zeros", "crashes",
                                                      "timeouts", "typical_mistakes"],
              [[*(q[k] for k in ("question", "points", "mean", "pass_rate", "zeros", "crashes", "timeouts")),
                "; ".join(f"{m} ({n})" for m, n in q["mistakes"])] for q in table])
    write_csv(folder / f"{set_name}_flags.csv", ["reason", "submissions", "question", "detail"],
              [[kind, " ".join(who), gid, detail] for kind, who, gid, detail in found])
    return out


def write_csv(path: Path, header: list, body: list) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(body)
