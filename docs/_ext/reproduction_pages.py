"""MkDocs hook: the site's "Reproductions" section, made from `results/`.

At every build, one page per results folder and an overview page are
generated from the committed files, nothing copied by hand and nothing
written into `results/` (the pages, figures and data files are virtual
files of the build). Each page shows:

- the article (title, author, link, as `harness.articles` names it) and the
  command that regenerates the folder;
- the count of claims per status (and per kind, where `claims.csv` has a
  `kind` column), then every claim of `claims.csv`: its status as a badge
  (colour, symbol and word), the numbers, the rule, the evidence, and beside
  it each figure the evidence names (`weights_*.png` patterns included);
- the report's tables (from the folder's `README.md`, as the script wrote
  them; wide ones scroll) and notes, every figure, and links to the CSV files;
- the run's provenance from `metadata.json`: data files and their SHA-256,
  the machine, the wall time, every setting.

`mkdocs.yml` names this file under `hooks:` and puts the section in its
`nav` as `Reproductions: reproductions/index.md`; this hook adds a page per
folder under it. A page may show a folder's counts with the comment
`<!-- reproductions:counts FOLDER -->` (the home page does).

The statuses, the ledger's reader and the README's ledger come from the
suite (`reproductions/harness`), so the site and the results cannot
disagree on them. A claim citing a figure that is not in its folder stops
the build.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import html
import importlib
import json
import os
import re
import sys

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

SECTION = "reproductions"  # the section's folder on the site
OVERVIEW = f"{SECTION}/index.md"
_COUNTS_MARK = re.compile(r"<!-- reproductions:counts (?P<name>[\w-]+) -->")
_FIGURE = re.compile(r"[\w*?\[\]-]+\.png")
_DATA_FILE = re.compile(r"[\w-]+\.(?:csv|json)")
_SYMBOLS = {"reproduced": "✓", "partly": "◐", "not reproduced": "✗",
            "not tested": "–"}


# The suite's own definitions: statuses, the ledger, the articles.

def _suite(project):
    """The suite's modules this hook reads, `reproductions/` put on the path
    (where the scripts import `harness` from)."""
    path = os.path.join(project, "reproductions")
    if path not in sys.path:
        sys.path.insert(0, path)
    return {name: importlib.import_module(f"harness.{name}")
            for name in ("articles", "claims.ledger", "results.report")}


class ResultsFolder:
    """One results folder as the site shows it, read once."""

    def __init__(self, root, name, suite):
        self.name = name
        self.path = os.path.join(root, name)
        self.suite = suite
        self.script = suite["articles"].script_named(name)
        claims = suite["claims.ledger"]
        self.frame = claims.read_ledger(os.path.join(self.path, "claims.csv"))
        self.rows = self.frame.to_dict("records")
        with open(os.path.join(self.path, "metadata.json")) as f:
            self.metadata = json.load(f)
        with open(os.path.join(self.path, "README.md")) as f:
            self.report = f.read()
        self.files = sorted(os.listdir(self.path))
        self.figures = [f for f in self.files if f.endswith(".png")]

    @property
    def title(self):
        """The report's own title (its `## ` heading)."""
        first = self.report.split("\n", 1)[0]
        return first.removeprefix("## ").strip() or self.name

    def counts(self, kind=None):
        """`{status: count}`, every status, of the claims of `kind` (all
        when `None`)."""
        frame = self.frame if kind is None else self.frame[self.frame["kind"] == kind]
        return self.suite["claims.ledger"].status_counts(frame)

    def kinds(self):
        """The kinds of claim, in the ledger's order."""
        return list(dict.fromkeys(self.frame["kind"]))

    def cited_figures(self, evidence):
        """The figures an evidence cell names, patterns expanded, in order."""
        found = []
        for pattern in _FIGURE.findall(evidence):
            matches = fnmatch.filter(self.figures, pattern)
            if not matches:
                raise PluginError(
                    f"results/{self.name}/claims.csv cites {pattern}, which is "
                    f"not a figure of results/{self.name}/")
            found += [m for m in matches if m not in found]
        return found

    def report_parts(self):
        """`(tables, notes)`: the Markdown of the README before its ledger
        (title and subtitle left out) and after it (figures left out)."""
        claims = self.suite["claims.ledger"]
        known = {field.name for field in dataclasses.fields(claims.Claim)}
        shown = claims.render_ledger([
            claims.Claim(**{k: v for k, v in row.items() if k in known})
            for row in self.rows])
        if shown not in self.report:
            raise PluginError(f"results/{self.name}/README.md does not show the "
                              "ledger of its claims.csv")
        head, notes = self.report.split(shown, 1)
        head = head.split("\n", 1)[1] if "\n" in head else ""
        head = re.sub(r"\A\s*_[^\n]*_\n", "", head.lstrip("\n"))
        notes = re.sub(r"^!\[[^\]]*\]\([^)]*\)\n?", "", notes, flags=re.M)
        return head.strip(), notes.strip()


# Pieces of HTML and Markdown.

def _e(text):
    return html.escape(str(text), quote=True)


def _slug(status):
    return status.replace(" ", "-")


def status_badge(status, count=None):
    """A status as a badge: colour, symbol and word (readable without the
    colour); with `count`, the count before the word."""
    number = ("" if count is None
              else f'<span class="kreg-badge__count">{count}</span> ')
    return (f'<span class="kreg-badge kreg-badge--{_slug(status)}" '
            f'data-status="{_e(status)}"><span class="kreg-badge__symbol" '
            f'aria-hidden="true">{_SYMBOLS.get(status, "")}</span> '
            f"{number}{_e(status)}</span>")


def counts_html(folder, statuses):
    """The counts per status as badges, then a table per kind when the
    ledger has kinds."""
    counts = folder.counts()
    badges = " ".join(status_badge(s, counts[s]) for s in statuses)
    parts = [f'<p class="kreg-counts" data-results="{_e(folder.name)}">{badges} '
             f'<span class="kreg-counts__total">of {len(folder.rows)} claims'
             "</span></p>"]
    kinds = folder.kinds()
    if kinds:
        head = "".join(f"<th>{status_badge(s)}</th>" for s in statuses)
        rows = []
        for kind in kinds:
            per_kind = folder.counts(kind)
            cells = "".join(f'<td data-kind="{_e(kind)}" data-status="{_e(s)}">'
                            f"{per_kind[s]}</td>" for s in statuses)
            rows.append(f"<tr><th>{_e(kind)}</th>{cells}"
                        f"<td>{sum(per_kind.values())}</td></tr>")
        parts.append('<div class="kreg-kinds"><table><thead><tr><th>kind</th>'
                     f"{head}<th>total</th></tr></thead><tbody>"
                     + "".join(rows) + "</tbody></table></div>")
    return "\n".join(parts)


def _evidence_html(folder, evidence):
    """The evidence cell with its data files and figures linked."""
    def link(name):
        if name not in folder.files:
            return f"<code>{_e(name)}</code>"  # a pattern, or another folder's
        target = f"#figure-{name[:-4]}" if name.endswith(".png") else name
        return f'<a href="{_e(target)}"><code>{_e(name)}</code></a>'
    pieces = re.split(f"({_FIGURE.pattern}|{_DATA_FILE.pattern})", evidence)
    return "".join(link(p) if i % 2 else _e(p) for i, p in enumerate(pieces))


def _figure_html(name, css_class, anchor=False):
    stem = name[:-4]
    ident = f' id="figure-{_e(stem)}"' if anchor else ""
    return (f'<figure class="{css_class}"{ident}><a href="{_e(name)}">'
            f'<img src="{_e(name)}" alt="{_e(stem)}"></a>'
            f"<figcaption><code>{_e(name)}</code></figcaption></figure>")


def claim_html(folder, number, row):
    """One claim as a card: badge, claim, numbers, rule, evidence, and its
    figures beside it."""
    figures = folder.cited_figures(row.get("evidence", ""))
    kind = row.get("kind", "")
    head = status_badge(row["status"])
    if kind:
        head += f' <span class="kreg-kind" data-kind="{_e(kind)}">{_e(kind)}</span>'
    numbers = "".join(
        f"<dt>{label}</dt><dd>{_e(row[column])}</dd>"
        for label, column in (("Ours", "ours"), ("Article", "article_value"))
        if row.get(column))
    text = [f'<p class="kreg-claim__head">{head} '
            f'<a class="kreg-claim__number" href="#claim-{number}">#{number}</a></p>',
            f'<p class="kreg-claim__claim">{_e(row["claim"])}</p>']
    if numbers:
        text.append(f'<dl class="kreg-claim__numbers">{numbers}</dl>')
    if row.get("why"):
        text.append(f'<p class="kreg-claim__why">{_e(row["why"])}</p>')
    if row.get("evidence"):
        text.append('<p class="kreg-claim__evidence">Evidence: '
                    f"{_evidence_html(folder, row['evidence'])}</p>")
    side = "".join(_figure_html(name, "kreg-claim__figure") for name in figures)
    layout = " kreg-claim--figure" if figures else ""
    return (f'<div class="kreg-claim kreg-claim--{_slug(row["status"])}{layout}" '
            f'id="claim-{number}" data-status="{_e(row["status"])}">'
            f'<div class="kreg-claim__text">{"".join(text)}</div>'
            + (f'<div class="kreg-claim__figures">{side}</div>' if side else "")
            + "</div>")


def _duration(seconds):
    seconds = round(float(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(hours or minutes)
    return " ".join(parts + [f"{secs} s"]) + f" ({seconds:,} s)"


def _cell(value):
    return _e(value).replace("|", "&#124;")


def _facts(pairs):
    """`label: value` pairs as a definition list (empty values left out)."""
    items = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>"
                    for label, value in pairs if value not in ("", None))
    return f'<dl class="kreg-facts">{items}</dl>'


def _file_list(value):
    """Whether `value` is a list of data files with their hashes."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(v, dict) and "sha256" in v for v in value))


def data_files(data):
    """`[(file, sha256)]` of every list of hashed files in `metadata.json`'s
    `data` (`files`, or a prefixed one such as `mnist_files`)."""
    return [(entry.get("file", ""), entry["sha256"]) for value in data.values()
            if _file_list(value) for entry in value]


def _data_value(value):
    """A `data` entry in words: sizes as `train 55,000, ...`, a text as
    is, anything else as compact JSON; `None` when empty."""
    if value in ("", [], {}, None):
        return None
    if isinstance(value, dict) and all(isinstance(v, int) for v in value.values()):
        return ", ".join(f"{k} {v:,}" for k, v in value.items())
    return value if isinstance(value, str | int | float) else json.dumps(value)


def provenance_markdown(folder):
    """The run's data, machine, wall time and settings, from
    `metadata.json`."""
    meta = folder.metadata
    full = {True: "yes", False: "no (a quick or shortened run)"}
    lines = ["## Provenance", "", _facts([
        ("run", meta.get("run")),
        ("full setting", full.get(meta.get("full_setting"))),
        ("seed", meta.get("seed")),
        ("wall time", _duration(meta["wall_seconds"]) if "wall_seconds" in meta
         else None)]), ""]
    data = meta.get("data", {})
    if data:
        facts = [(key.replace("_", " "), _data_value(value)) for key, value in data.items()
                 if not _file_list(value)]
        lines += ["### Data", "", _facts(facts), ""]
        files = data_files(data)
        if files:
            lines += ["| file | SHA-256 |", "|---|---|"]
            lines += [f"| `{_cell(name)}` | `{_cell(sha)}` |" for name, sha in files]
            lines.append("")
    env = dict(meta.get("environment", {}))
    if env:
        libraries = env.pop("libraries", {})
        lines += ["### Machine", "", _facts(list(env.items())
                                           + [("libraries", ", ".join(
                                               f"{k} {v}" for k, v in libraries.items()))]),
                  ""]
    lines += ['??? info "Everything in metadata.json (every setting, the time of '
              'each part)"', "", "    ```json"]
    lines += ["    " + line for line in json.dumps(meta, indent=2).split("\n")]
    lines += ["    ```", "", "[`metadata.json`](metadata.json)", ""]
    return "\n".join(lines)


def _command(folder):
    """The command that regenerates the folder, and what its data was."""
    command = f"python reproductions/{folder.name}.py"
    if folder.script is None or not folder.script.uses_mnist:
        return ["```bash", command, "```"]
    files = data_files(folder.metadata.get("data", {}))
    which = (f"the {len(files)} files whose SHA-256 are listed under "
             "[Provenance](#provenance)" if files else "as under [Provenance](#provenance)")
    return ["```bash", command + " --data PATH/TO/MNIST", "```", "",
            f"`PATH/TO/MNIST`: the MNIST this run used, {which}."]


def article_markdown(folder):
    """Who wrote the article, where it is, and how to regenerate the page."""
    script = folder.script
    lines = []
    if script is not None:
        article = script.article
        title = (f"[{_e(article.title)}]({article.link})" if article.link
                 else f"“{_e(article.title)}”")
        lines += [f"**Article {article.number}**: {title}"
                  + (f", {_e(article.author)}" if article.author else "")
                  + ".", "", f"What the script shows: {_e(script.shows)}.", ""]
    lines += [f"_{_e(folder.metadata.get('run', ''))}_", "",
              "Regenerate this page's results (the site is rebuilt from "
              f"`results/{folder.name}/`):", ""] + _command(folder) + [""]
    return lines


def page_markdown(folder, statuses, order):
    """The page of one results folder."""
    tables, notes = folder.report_parts()
    numbered = list(enumerate(folder.rows, start=1))
    sections = ["Claims", "Tables"] + ["Notes"] * bool(notes) + ["Figures", "Provenance"]
    lines = ["---", "hide:", "  - toc", "---", "", f"# {_e(folder.title)}", "",
             "On this page: " + " · ".join(f"[{s}](#{s.lower()})" for s in sections),
             ""]
    lines += article_markdown(folder)
    lines += ["## Claims", "", counts_html(folder, statuses), ""]
    lines += ["Each status follows from the committed numbers by the rule its "
              "claim states; `tests/reproductions/test_committed_claims.py` "
              "derives it again. Failures first.", ""]
    for status in order:
        rows = [(n, row) for n, row in numbered if row["status"] == status]
        if not rows:
            continue
        lines += [f"### {status.capitalize()} ({len(rows)})", ""]
        lines += [claim_html(folder, n, row) for n, row in rows] + [""]
    lines += ["## Tables", "", '<div class="kreg-tables" markdown>', "", tables,
              "", "</div>", ""]
    data_files = [f for f in folder.files if f.endswith(".csv")]
    lines += ["Every table as CSV: " + ", ".join(f"[`{f}`]({f})" for f in data_files)
              + ".", ""]
    if notes:
        lines += ["## Notes", "", notes, ""]
    lines += ["## Figures", "", '<div class="kreg-figures">'
              + "".join(_figure_html(name, "kreg-figure", anchor=True)
                        for name in folder.figures) + "</div>", ""]
    lines.append(provenance_markdown(folder))
    return "\n".join(lines)


def overview_markdown(folders, statuses):
    """The overview: every folder's counts, main job first."""
    header = "".join(f"<th>{status_badge(s)}</th>" for s in statuses)
    rows = []
    for folder in folders:
        counts = folder.counts()
        article = folder.script.article.number if folder.script else ""
        cells = "".join(f'<td data-status="{_e(s)}">{counts[s]}</td>' for s in statuses)
        rows.append(f'<tr data-results="{_e(folder.name)}"><td>{_e(article)}</td>'
                    f'<td><a href="{_e(folder.name)}/">{_e(folder.title)}</a></td>'
                    f"{cells}<td>{len(folder.rows)}</td></tr>")
    totals = {s: sum(folder.counts()[s] for folder in folders) for s in statuses}
    rows.append("<tr><td></td><td>all</td>"
                + "".join(f"<td>{totals[s]}</td>" for s in statuses)
                + f"<td>{sum(len(folder.rows) for folder in folders)}</td></tr>")
    lines = ["---", "hide:", "  - toc", "---", "", "# Reproductions", "",
             "What kreg's reproduction suite found: each script regenerates "
             "an article's tables, figures and claims ledger into "
             "`results/<script>/`, and each page below is built from that folder "
             "when the site is built. Every claim of an article gets a status "
             "decided by a stated rule from the committed numbers:", "",
             "- " + status_badge("reproduced") + ": our numbers show what the "
             "article says, by the stated rule;",
             "- " + status_badge("partly") + ": part of the claim holds, or it "
             "holds only in the article's own way of measuring;",
             "- " + status_badge("not reproduced") + ": our numbers contradict it;",
             "- " + status_badge("not tested") + ": nothing here can decide it; "
             "the claim says why.", "",
             '<div class="kreg-overview"><table><thead><tr><th>article</th>'
             f"<th>results</th>{header}<th>claims</th></tr></thead><tbody>"
             + "".join(rows) + "</tbody></table></div>", ""]
    by_kind = [(folder, kind) for folder in folders for kind in folder.kinds()]
    if by_kind:
        lines += ["By kind of claim:", "", '<div class="kreg-overview"><table><thead>'
                  f"<tr><th>results</th><th>kind</th>{header}</tr></thead><tbody>"]
        for folder, kind in by_kind:
            counts = folder.counts(kind)
            lines.append(f'<tr><td><a href="{_e(folder.name)}/">{_e(folder.name)}</a>'
                         f"</td><td>{_e(kind)}</td>"
                         + "".join(f'<td data-kind="{_e(kind)}" data-status="{_e(s)}">'
                                   f"{counts[s]}</td>" for s in statuses) + "</tr>")
        lines += ["</tbody></table></div>", ""]
    lines += ["Regenerate them all (hours on two cores; `--quick` for a short "
              "look, written to `results/quick/`):", "", "```bash",
              "python -m reproductions all --data PATH/TO/MNIST", "```", ""]
    return "\n".join(lines)


# The hook's events.

def _project(config):
    """The project's folder: where `mkdocs.yml` is."""
    return os.path.dirname(os.path.abspath(config.config_file_path))


def _folders(config):
    suite = _suite(_project(config))
    root = os.path.join(_project(config), "results")
    names = [name for name in suite["results.report"].results_folders(root)
             if os.path.isfile(os.path.join(root, name, "claims.csv"))]
    return suite, [ResultsFolder(root, name, suite) for name in names]


def on_config(config):
    """The section's nav: the overview, then a page per results folder."""
    _, folders = _folders(config)
    pages = [OVERVIEW] + [{folder.title: f"{SECTION}/{folder.name}/index.md"}
                          for folder in folders]

    def expand(items):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                ((title, value),) = item.items()
                if value == OVERVIEW:
                    items[i] = {title: pages}
                elif isinstance(value, list):
                    expand(value)
    expand(config.nav or [])
    return config


def on_files(files, config):
    """The generated pages, and each folder's figures and data files."""
    suite, folders = _folders(config)
    claims = suite["claims.ledger"]
    statuses, order = claims.STATUSES, claims.REPORT_ORDER
    files.append(File.generated(config, OVERVIEW,
                                content=overview_markdown(folders, statuses)))
    for folder in folders:
        base = f"{SECTION}/{folder.name}"
        files.append(File.generated(config, f"{base}/index.md",
                                    content=page_markdown(folder, statuses, order)))
        for name in folder.files:
            if name.endswith((".png", ".csv", ".json")):
                files.append(File.generated(
                    config, f"{base}/{name}",
                    abs_src_path=os.path.join(folder.path, name)))
    return files


def on_page_markdown(markdown, page, config, files):
    """`<!-- reproductions:counts FOLDER -->` becomes that folder's counts."""
    if not _COUNTS_MARK.search(markdown):
        return markdown
    suite, folders = _folders(config)
    by_name = {folder.name: folder for folder in folders}
    statuses = suite["claims.ledger"].STATUSES

    def counts(match):
        name = match["name"]
        if name not in by_name:
            raise PluginError(f"{page.file.src_uri} shows the counts of "
                              f"results/{name}/, which has no claims.csv")
        return counts_html(by_name[name], statuses)
    return _COUNTS_MARK.sub(counts, markdown)


def on_serve(server, config, builder):
    """`mkdocs serve` rebuilds when a script rewrites `results/`."""
    server.watch(os.path.join(_project(config), "results"))
    return server
