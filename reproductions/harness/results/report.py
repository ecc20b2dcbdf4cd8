"""The README of a results folder, and the index of all of them."""

import os
import re

from harness.articles import script_named, script_names
from harness.claims.ledger import KINDS, STATUSES, read_ledger, status_counts

INDEX_HEADER = """\
# kreg reproduction results

Every file under this folder is written by a script in `reproductions/`;
nothing here is edited by hand. This page is rebuilt from each folder's
`README.md` whenever a script writes its results here. The main job comes
first, then the articles in order; `python -m reproductions` lists them.
"""


def write_report(folder, title, subtitle, table_markdown, notes):
    """Writes `folder/README.md`: the table, the notes and every figure."""
    figures = sorted(name for name in os.listdir(folder) if name.endswith(".png"))
    lines = [f"## {title}", "", f"_{subtitle}_", "", table_markdown, "", notes, ""]
    for name in figures:
        lines += [f"![{name[:-4]}]({name})", ""]
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write("\n".join(lines))


def _relink(text, subfolder):
    return re.sub(r"\]\(([^)/:]+\.png)\)", rf"]({subfolder}/\1)", text)


def _with_citation(section, name):
    """The section with its article (title, author, link) under its heading,
    for the scripts the suite knows."""
    script = script_named(name)
    if script is None:
        return section
    heading, _, rest = section.partition("\n")
    return f"{heading}\n\n{script.article.citation()}; `reproductions/{name}.py`\n{rest}"


def claims_summary(root, names):
    """A Markdown table of the count per status of each folder's
    `claims.csv`, a row per kind of claim (folders without one are left
    out); "" when none has one."""
    rows = []
    for name in names:
        path = os.path.join(root, name, "claims.csv")
        if not os.path.isfile(path):
            continue
        frame = read_ledger(path)
        for kind in KINDS:
            if (frame["kind"] == kind).any():
                counts = status_counts(frame, kind)
                rows.append(f"| [{name}]({name}/README.md) | {kind} | "
                            + " | ".join(str(counts[s]) for s in STATUSES) + " |")
    if not rows:
        return ""
    header = ["| results | kind | " + " | ".join(STATUSES) + " |",
              "|---|---|" + "---:|" * len(STATUSES)]
    return "\n".join(["Claims of the articles, by kind and status (each folder's "
                      "`claims.csv`, detailed in its section):", ""]
                     + header + rows) + "\n"


def results_folders(root):
    """The names of the results folders under `root` (those with a
    `README.md`; no folder being written or replaced), the scripts' order
    first (main job first), then any other by name."""
    sections = [name for name in sorted(os.listdir(root))
                if ".tmp-" not in name and ".old-" not in name
                and os.path.isfile(os.path.join(root, name, "README.md"))]
    known = [name for name in script_names() if name in sections]
    return known + [name for name in sections if name not in known]


def index_results_folder(root):
    """Rebuilds `root/README.md` from `root/*/README.md` when `root` is a
    folder called `results` (the project's; a user's `--out` elsewhere is
    left alone)."""
    root = os.path.abspath(root)
    if os.path.basename(root) != "results":
        return None
    order = results_folders(root)
    parts = [INDEX_HEADER, claims_summary(root, order)]
    for name in order:
        with open(os.path.join(root, name, "README.md")) as f:
            parts.append(_with_citation(_relink(f.read(), name), name))
    index = os.path.join(root, "README.md")
    with open(index + ".tmp", "w") as f:
        f.write("\n".join(parts))
    os.replace(index + ".tmp", index)
    return index
