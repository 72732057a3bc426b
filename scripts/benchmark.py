"""Benchmark report: speed and size targets, printed, never asserted in tests.

    .venv/bin/python scripts/benchmark.py [--sizes 100 1000] [--validate 10000] [--search-big 10000] [--quick]

Synthetic corpora (scripts/synthetic.py: real cases recombined, new names and amounts, so sizes and
compression mean something) in temporary copies of the project. For each size, every command a new process as
a volunteer runs it: the full build (`fanzha build`) from nothing, after one case is edited and with nothing
changed; generation (`fanzha generate`) cold, with nothing changed and after one edit; MkDocs alone on the
same generated pages (the baseline: what our own code adds),
Zensical on the same tree (when `make site-zensical` installed it), the case page's size, the bytes a page
load and one search fetch in a real browser (when chromium and Playwright are there), and for the largest
size the time from saving an edited case to `make serve` showing it and Lighthouse's mobile performance
score (when `make bench` installed Lighthouse into .tools/).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from synthetic import make_project  # noqa: E402

from fanzha.build import ZENSICAL, build_env, build_site  # noqa: E402
from fanzha.checks import check_project  # noqa: E402
from fanzha import ALREADY_GENERATED  # noqa: E402
from fanzha.search import shard_count  # noqa: E402

TARGETS = {
    "build_1000": 8.0, "generate_share": 0.10, "unchanged": 1.0, "case_page_kb": 20,
    "query_mb_1000": 1.5, "query_mb_10000": 3.0, "serve_edit": 1.0, "validate_10000": 10.0, "lighthouse": 98,
}


def mark(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def mkdocs_alone(project: Path) -> float:
    """Both MkDocs builds of the already generated pages, in parallel, as `fanzha build` runs them."""
    env = build_env(project) | {ALREADY_GENERATED: "1"}
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    start = time.perf_counter()
    runs = [subprocess.Popen([mkdocs, "build", "-q", "-f", config, "-d", str(project / "build" / f"alone-{n}")], cwd=project, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for n, config in enumerate(("mkdocs.yml", "mkdocs.en.yml"))]
    for run in runs:
        run.wait()
    return time.perf_counter() - start


def zensical_build(project: Path) -> float | None:
    if not (ROOT / ZENSICAL).exists():
        return None
    (project / ".venv-zensical").symlink_to(ROOT / ".venv-zensical")
    site = project / "site"
    kept = project / "site-mkdocs"
    shutil.move(str(site), str(kept))
    seconds = timed(lambda: build_site(project, engine="zensical"))
    shutil.rmtree(site, ignore_errors=True)
    shutil.move(str(kept), str(site))
    return seconds


class Quiet(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        return super().translate_path(path[len("/casebook"):] if path.startswith("/casebook/") else "/__none__")

    def log_message(self, *args):
        pass


def browser_bytes(site: Path) -> dict[str, int] | None:
    """Bytes a page load fetches, and bytes one query then fetches, per language (uncompressed)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/casebook"
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for lang, start, query in (("zh", "/", "白条"), ("en", "/en/", "screen sharing")):
                page = browser.new_page(viewport={"width": 375, "height": 667})
                sizes: list[int] = []
                page.on("response", lambda r: sizes.append(len(r.body())) if r.ok else None)
                page.goto(base + start, wait_until="networkidle")
                out[f"load_{lang}"] = sum(sizes)
                sizes.clear()
                page.locator(".fz-search-button").first.click()
                field = page.locator("input.md-search__input")
                field.fill(query)
                field.press("End")
                page.wait_for_selector(".md-search-result__item", timeout=20000)
                page.wait_for_load_state("networkidle")
                out[f"query_{lang}"] = sum(sizes)
                page.close()
            browser.close()
    finally:
        httpd.shutdown()
    return out


def edit_case(project: Path, marker: str) -> tuple[Path, str]:
    """Put marker at the start of synthetic-00001's Chinese title; returns the file and its text before."""
    case = project / "cases" / "synthetic-00001.yml"
    before = case.read_text(encoding="utf-8")
    case.write_text(before.replace("title:\n  zh: ", f"title:\n  zh: {marker}", 1), encoding="utf-8")
    return case, before


def serve_edit_time(project: Path, edits: int = 3) -> float | None:
    """Seconds from saving an edited case to `mkdocs serve --dirty` (make serve) serving the new text: the
    median of three edits, each made once the rebuilds of the one before have settled."""
    port = 8765
    env = build_env(project)
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    server = subprocess.Popen([mkdocs, "serve", "--dirty", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"], cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/casebook/cases/synthetic-00001/"
    times: list[float] = []
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            return None
        for n in range(edits):
            time.sleep(15)  # the pages that list the case, then the search index, made after each save, settle
            marker = f"基准测试编辑标记{n}"
            start = time.perf_counter()
            case, before = edit_case(project, marker)
            while time.perf_counter() - start < 120:
                try:
                    if marker in urllib.request.urlopen(url, timeout=2).read().decode("utf-8"):
                        times.append(time.perf_counter() - start)
                        break
                except OSError:
                    pass
                time.sleep(0.02)
            case.write_text(before, encoding="utf-8")
        return statistics.median(times) if len(times) == edits else None
    finally:
        server.terminate()
        server.wait()


class Compressed(Quiet):
    """Text files gzip-compressed, as GitHub Pages serves them (for Lighthouse)."""

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        kind = self.guess_type(path)
        if not os.path.isfile(path) or "gzip" not in self.headers.get("Accept-Encoding", "") or not (
                kind.startswith("text/") or kind.endswith(("javascript", "json", "xml", "svg+xml"))):
            return super().send_head()
        data = gzip.compress(Path(path).read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=600")  # GitHub Pages' 10 minutes
        self.end_headers()
        return io.BytesIO(data)


LIGHTHOUSE = ROOT / ".tools" / "node_modules" / ".bin" / "lighthouse"  # made by `make bench`
LIGHTHOUSE_PAGES = ("", "cases/synthetic-00001/", "types/cancel-baitiao-jintiao/", "handouts/")


def lighthouse_scores(site: Path, runs: int = 3) -> dict[str, int] | None:
    """Lighthouse's mobile performance score (median of runs) of the home, a case, a type and the handouts
    page in both languages, served compressed like GitHub Pages."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not LIGHTHOUSE.exists() or not Path(chromium).exists():
        return None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Compressed, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    scores = {}
    try:
        for page in [*LIGHTHOUSE_PAGES, *("en/" + p for p in LIGHTHOUSE_PAGES)]:
            found = []
            for _ in range(runs):
                with tempfile.NamedTemporaryFile(suffix=".json") as out:
                    subprocess.run([str(LIGHTHOUSE), f"http://127.0.0.1:{httpd.server_address[1]}/casebook/{page}", "--quiet",
                                    "--only-categories=performance", "--form-factor=mobile", "--output=json", f"--output-path={out.name}",
                                    "--chrome-flags=--headless --no-sandbox"], env=dict(os.environ, CHROME_PATH=chromium),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
                    try:
                        found.append(round(100 * json.loads(Path(out.name).read_text())["categories"]["performance"]["score"]))
                    except (ValueError, KeyError, TypeError):
                        pass
            if found:
                scores["/" + page] = statistics.median(found)
    finally:
        httpd.shutdown()
    return scores


def fanzha(project: Path, *command: str) -> float:
    """Seconds of one `fanzha` command run in the project as a volunteer runs it: a new process each time, so
    nothing a previous run kept in memory helps."""
    env = build_env(project) | {"NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fanzha", *command], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def after_edits(project: Path, command: str, runs: int = 3) -> float:
    """Median seconds of `fanzha <command>` right after an edit to one case (a different edit each time)."""
    times = []
    for n in range(runs):
        edit_case(project, f"{command}{n}")
        times.append(fanzha(project, command))
    return statistics.median(times)


def bench_size(count: int, folder: Path, serve: bool, lighthouse: bool = False) -> dict:
    project = make_project(folder / f"p{count}", count)
    case = project / "cases" / "synthetic-00001.yml"
    original = case.read_text(encoding="utf-8")
    result: dict = {"count": count}
    result["generate_cold"] = fanzha(project, "generate")
    result["generate_unchanged"] = statistics.median(fanzha(project, "generate") for _ in range(3))
    result["generate_edit"] = after_edits(project, "generate")
    shutil.rmtree(project / "build")  # the full build from nothing
    result["build"] = fanzha(project, "build")
    # a volunteer's or CI's next build: one case edited, the caches under build/ and the site kept
    result["rebuild"] = after_edits(project, "build")
    result["build_unchanged"] = fanzha(project, "build")
    case.write_text(original, encoding="utf-8")
    build_site(project)
    result["mkdocs_alone"] = mkdocs_alone(project)
    result["zensical"] = zensical_build(project)
    page = project / "site" / "cases" / "synthetic-00001" / "index.html"
    result["case_page_kb"] = page.stat().st_size / 1000
    result["bytes"] = browser_bytes(project / "site")
    result["lighthouse"] = lighthouse_scores(project / "site") if lighthouse else None
    result["serve_edit"] = serve_edit_time(project) if serve else None
    shutil.rmtree(project)
    return result


def search_bytes_only(count: int, folder: Path) -> dict | None:
    project = make_project(folder / f"s{count}", count)
    build_site(project)
    found = browser_bytes(project / "site")
    shutil.rmtree(project)
    return found


def report(results: list[dict], big: dict | None, big_count: int, validation: tuple[int, float] | None) -> None:
    print("反诈案例库 benchmark report (synthetic corpora, 2 languages)")
    print("Each figure is a `fanzha` command in a new process, as a volunteer runs it (after an edit: median of 3).")
    print("build: from nothing (no build/ or site/), after one case is edited (build/ and site/ kept, as a volunteer's")
    print("next `make site`), with nothing changed; generation (`fanzha generate`): cold / nothing changed / one case")
    print("edited; ours/MkDocs: the build after an edit against MkDocs alone building every generated page.")
    print(f"{'cases':>6} | {'build cold':>10} | {'after edit':>10} | {'unchanged':>9} | {'generate cold / unchanged / edit':>32} | "
          f"{'MkDocs alone':>12} | {'ours/MkDocs':>11} | {'Zensical':>8} | {'case page':>9} | {'serve edit':>10}")
    for r in results:
        zensical = f"{r['zensical']:.1f} s" if r["zensical"] is not None else "n/a"
        serve = f"{r['serve_edit']:.2f} s" if r["serve_edit"] is not None else "-"
        print(f"{r['count']:>6} | {r['build']:>8.1f} s | {r['rebuild']:>8.1f} s | {r['build_unchanged']:>7.1f} s | "
              f"{r['generate_cold']:>8.2f} s / {r['generate_unchanged']:>5.2f} s / "
              f"{r['generate_edit']:>5.2f} s | {r['mkdocs_alone']:>10.1f} s | {r['rebuild'] / r['mkdocs_alone']:>10.2f}x | {zensical:>8} | "
              f"{r['case_page_kb']:>6.1f} KB | {serve:>10}")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        print(f"t({large['count']})/t({small['count']}): build cold {large['build'] / small['build']:.1f}, rebuild "
              f"{large['rebuild'] / small['rebuild']:.1f}, MkDocs alone {large['mkdocs_alone'] / small['mkdocs_alone']:.1f}")
    print("bytes fetched (uncompressed), page load / one query (the case pages' search bundles per language):")
    for r in results + ([dict(big, count=big_count)] if big else []):
        b = r.get("bytes") if "bytes" in r else r
        if b:
            print(f"  {r['count']:>6} cases: zh {b['load_zh'] / 1e3:.0f} KB / {b['query_zh'] / 1e6:.2f} MB; en {b['load_en'] / 1e3:.0f} KB / "
                  f"{b['query_en'] / 1e6:.2f} MB ({shard_count(r['count'])} bundle{'s' if shard_count(r['count']) > 1 else ''} of case pages)")
    for r in results:
        if r.get("lighthouse"):
            print(f"Lighthouse mobile performance at {r['count']} cases (median of 3, served gzip-compressed):")
            print("  " + ", ".join(f"{page} {score}" for page, score in r["lighthouse"].items()))
    if validation:
        count, seconds = validation
        print(f"validation: {count} cases in {seconds:.2f} s ({seconds / count * 1000:.2f} ms per case)")
    by_count = {r["count"]: r for r in results}
    if 1000 in by_count:
        r = by_count[1000]
        print("targets at 1000 cases:")
        print(f"  full build from nothing {r['build']:.1f} s (target {TARGETS['build_1000']} s) -> {mark(r['build'] <= TARGETS['build_1000'])}")
        print(f"  full build after an edit {r['rebuild']:.1f} s (target {TARGETS['build_1000']} s) -> {mark(r['rebuild'] <= TARGETS['build_1000'])}")
        print(f"  full build with nothing changed {r['build_unchanged']:.1f} s (target {TARGETS['build_1000']} s) -> "
              f"{mark(r['build_unchanged'] <= TARGETS['build_1000'])}")
        share = r["generate_edit"] / r["rebuild"]
        print(f"  generation {share:.0%} of that build (target {TARGETS['generate_share']:.0%}) -> {mark(share <= TARGETS['generate_share'])}")
        print(f"  generation with nothing changed {r['generate_unchanged']:.2f} s (target {TARGETS['unchanged']} s) -> {mark(r['generate_unchanged'] <= TARGETS['unchanged'])}")
        print(f"  case page {r['case_page_kb']:.1f} KB (target {TARGETS['case_page_kb']} KB) -> {mark(r['case_page_kb'] <= TARGETS['case_page_kb'])}")
        if r["bytes"]:
            worst = max(r["bytes"]["query_zh"], r["bytes"]["query_en"]) / 1e6
            print(f"  one query {worst:.2f} MB (target {TARGETS['query_mb_1000']} MB) -> {mark(worst <= TARGETS['query_mb_1000'])}")
        if big:
            worst = max(big["query_zh"], big["query_en"]) / 1e6
            print(f"  one query at {big_count} cases {worst:.2f} MB (target {TARGETS['query_mb_10000']} MB) -> "
                  f"{mark(worst <= TARGETS['query_mb_10000'])}")
        if r["serve_edit"] is not None:
            print(f"  serve, save to page {r['serve_edit']:.2f} s (target {TARGETS['serve_edit']} s) -> {mark(r['serve_edit'] <= TARGETS['serve_edit'])}")
        if r.get("lighthouse"):
            low = min(r["lighthouse"].values())
            print(f"  Lighthouse mobile performance, lowest {low} (target {TARGETS['lighthouse']}) -> {mark(low >= TARGETS['lighthouse'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="corpus sizes for the build benchmark")
    parser.add_argument("--validate", type=int, default=10_000, help="cases for the validation benchmark (0: skip)")
    parser.add_argument("--search-big", type=int, default=10_000, help="cases for the search-bytes benchmark (0: skip)")
    parser.add_argument("--quick", action="store_true", help="100 and 1000 cases only, no serve, Lighthouse or 10,000-case runs")
    args = parser.parse_args()
    if args.quick:
        args.validate = args.search_big = 0
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        largest = max(args.sizes)
        results = [bench_size(n, folder, serve=(n == largest and not args.quick), lighthouse=(n == largest and not args.quick))
                   for n in args.sizes]
        validation = None
        if args.validate:
            project = make_project(folder / "v", args.validate)
            seconds = timed(lambda: check_project(project, keep_cases=False))
            validation = (args.validate, seconds)
            shutil.rmtree(project)
        big = search_bytes_only(args.search_big, folder) if args.search_big else None
    report(results, big, args.search_big, validation)


if __name__ == "__main__":
    main()
