"""The documentation site, loaded page by page in headless Chromium.

The site is built into a temporary folder (`mkdocs build --strict`), or
taken as built from `KREG_SITE_DIR`, and served on 127.0.0.1. Every HTML
page of it is loaded once; then:

- every image has loaded (natural width above 0);
- no page logged a console error;
- every internal link leads to a file the server serves, and to an element
  of the page when it names one (`page/#anchor`);
- every count of claims the site shows (the reproduction pages, the
  overview, the home page) equals what its folder's `claims.csv` says,
  read here with the `csv` module, and each reproduction page shows one
  claim per row, with the row's status (and kind, where there is one).

Needs Chromium and its driver (Debian's `chromium` and `chromium-driver`,
or KREG_CHROMIUM and KREG_CHROMEDRIVER) and `selenium`, which drives them
without downloading anything; skipped, saying what is missing, without them.
"""

import collections
import csv
import functools
import http.server
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
# Headless Chromium on a closed network, as root in a container: no
# sandbox, no GPU, and none of the background connections (updates,
# sync, QUIC) whose refusals would show up as console errors.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,900")


def _program(variable, *names):
    if os.environ.get(variable):
        return os.environ[variable]
    return next(filter(None, map(shutil.which, names)), None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site's folder."""
    if os.environ.get("KREG_SITE_DIR"):
        return pathlib.Path(os.environ["KREG_SITE_DIR"]).resolve()
    pytest.importorskip("mkdocs", reason="mkdocs (the docs extra) is not installed")
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ,
                                                       "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stderr
    return out


@pytest.fixture(scope="module")
def server(site):
    """An HTTP server of the site on 127.0.0.1; its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # The browser drops a request it no longer needs when it moves
            # to the next page (the search index, say); anything else is
            # reported.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium (the docs extra) is not installed")
    chromium = _program("KREG_CHROMIUM", "chromium", "chromium-browser")
    driver_path = _program("KREG_CHROMEDRIVER", "chromedriver")
    if chromium is None:
        pytest.skip("no Chromium (apt-get install chromium, or set KREG_CHROMIUM)")
    if driver_path is None:
        pytest.skip("no chromedriver (apt-get install chromium-driver, or set "
                    "KREG_CHROMEDRIVER)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(driver_path),
                              options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


# What one page shows, read in the browser once it has loaded.
_READ_PAGE = """
const counts = Array.from(document.querySelectorAll('.kreg-counts'), p => ({
  results: p.dataset.results,
  statuses: Object.fromEntries(Array.from(p.querySelectorAll('.kreg-badge'),
    b => [b.dataset.status, b.querySelector('.kreg-badge__count').textContent]))}));
return {
  images: Array.from(document.images, i => [i.currentSrc || i.src, i.complete,
                                            i.naturalWidth]),
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
  ids: Array.from(document.querySelectorAll('[id], a[name]'), e => e.id || e.name),
  counts: counts,
  kinds: Array.from(document.querySelectorAll('.kreg-kinds td[data-kind]'),
    td => [td.dataset.kind, td.dataset.status, td.textContent]),
  claims: Array.from(document.querySelectorAll('.kreg-claim'), c => [
    c.id, c.dataset.status, c.querySelector('.kreg-claim__claim').textContent,
    (c.querySelector('.kreg-kind') || {textContent: ''}).textContent]),
  overview: Array.from(document.querySelectorAll('tr[data-results]'), tr => [
    tr.dataset.results, Object.fromEntries(Array.from(
      tr.querySelectorAll('td[data-status]'), td => [td.dataset.status,
                                                      td.textContent]))]),
};
"""


@pytest.fixture(scope="module")
def crawl(browser, site, server):
    """`{page path: what it shows}` for every HTML page of the site, and
    each page's console errors under "errors"."""
    from selenium.webdriver.support.wait import WebDriverWait

    pages = {}
    for path in sorted(site.rglob("*.html")):
        name = path.relative_to(site).as_posix()
        browser.get(server + name)
        # `get` may return while the page still loads: wait for the page
        # asked for, loaded, with every image done (loaded or failed).
        WebDriverWait(browser, 30).until(lambda b, url=server + name: b.execute_script(
            "return document.URL === arguments[0] && document.readyState === 'complete'"
            " && Array.from(document.images).every(i => i.complete)", url))
        page = browser.execute_script(_READ_PAGE)
        page["errors"] = [entry["message"] for entry in browser.get_log("browser")
                          if entry["level"] == "SEVERE"]
        pages[name] = page
    return pages


def _ledger(name):
    with open(RESULTS / name / "claims.csv", newline="") as f:
        return list(csv.DictReader(f))


def _results_names():
    return sorted(p.parent.name for p in RESULTS.glob("*/claims.csv"))


def test_every_page_is_loaded(site, crawl):
    # The home page, every guide and API page, the overview and one page
    # per results folder: a crawl that missed them would check nothing.
    expected = ["index.html", "reproductions/index.html", "api/layers/index.html",
                "guide/library/index.html", "migration/index.html"]
    expected += [f"reproductions/{name}/index.html" for name in _results_names()]
    assert set(expected) <= set(crawl)
    assert len(crawl) == len(list(site.rglob("*.html")))
    images = sum(len(page["images"]) for page in crawl.values())
    links = sum(len(page["links"]) for page in crawl.values())
    print(f"\nsite in Chromium: {len(crawl)} pages, {images} images, {links} links")


def test_every_image_loads(crawl):
    broken = [(name, src) for name, page in crawl.items()
              for src, complete, width in page["images"] if not (complete and width > 0)]
    assert broken == []
    # The reproduction pages show every figure of their folders.
    for name in _results_names():
        shown = {urllib.parse.urlsplit(src).path.rsplit("/", 1)[-1]
                 for src, _, _ in crawl[f"reproductions/{name}/index.html"]["images"]}
        assert shown == {p.name for p in (RESULTS / name).glob("*.png")}


def test_no_console_errors(crawl):
    errors = {name: page["errors"] for name, page in crawl.items() if page["errors"]}
    assert errors == {}


def test_every_internal_link_resolves(server, crawl):
    targets = collections.defaultdict(set)  # URL without fragment: fragments
    internal = [link for page in crawl.values() for link in page["links"]
                if link.startswith(server)]
    for link in internal:
        url, _, fragment = link.partition("#")
        targets[url].add(urllib.parse.unquote(fragment))
    assert len(targets) > len(crawl)  # every page, and the figures and files
    missing, no_anchor = [], []
    for url, fragments in sorted(targets.items()):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
        except urllib.error.HTTPError:
            missing.append(url)
            continue
        path = url[len(server):]
        page = crawl.get(path + "index.html" if path.endswith("/") or not path
                         else path)
        if page is not None:
            ids = set(page["ids"])
            no_anchor += [f"{url}#{f}" for f in sorted(fragments - {""} - ids)]
    anchors = sum(len(f - {""}) for f in targets.values())
    print(f"\ninternal links: {len(internal)}, to {len(targets)} URLs and "
          f"{anchors} anchors in them")
    assert missing == []
    assert no_anchor == []


def test_reproduction_pages_show_the_counts_of_claims_csv(crawl):
    shown_anywhere = collections.Counter()
    for name in _results_names():
        rows = _ledger(name)
        expected = collections.Counter(row["status"] for row in rows)
        for page_name, page in crawl.items():
            for block in page["counts"]:
                if block["results"] == name:
                    shown_anywhere[name] += 1
                    counts = {s: int(n) for s, n in block["statuses"].items()}
                    assert set(expected) <= set(counts), (page_name, counts)
                    assert counts == {s: expected[s] for s in counts}, page_name
        page = crawl[f"reproductions/{name}/index.html"]
        # One card per row of claims.csv, in the row's status (and kind).
        cards = {card_id: (status, claim, kind)
                 for card_id, status, claim, kind in page["claims"]}
        assert cards == {f"claim-{i}": (row["status"], row["claim"], row.get("kind", ""))
                         for i, row in enumerate(rows, start=1)}
        if "kind" in rows[0]:
            by_kind = collections.Counter((row["kind"], row["status"]) for row in rows)
            assert {(k, s): int(n) for k, s, n in page["kinds"]} == {
                (k, s): by_kind[k, s] for k, s, _ in page["kinds"]}
            assert {k for k, _ in by_kind} == {k for k, _, _ in page["kinds"]}
        # The overview's row.
        (row_counts,) = [counts for results, counts in
                         crawl["reproductions/index.html"]["overview"] if results == name]
        assert {s: int(n) for s, n in row_counts.items()} == {
            s: expected[s] for s in row_counts}
    # Each folder's page shows its counts; the home page the main job's too.
    assert all(shown_anywhere[name] >= 1 for name in _results_names())
    assert [block["results"] for block in crawl["index.html"]["counts"]] == [
        "mnist_weight_images"]
