"""Benchmark report: speed and size targets, printed, never asserted in tests.

    .venv/bin/python scripts/benchmark.py [--sizes 100 1000] [--validate 10000] [--search-big 10000] [--quick]

Synthetic corpora (scripts/synthetic.py: real cases recombined, new names and amounts, so sizes and
compression mean something) in temporary copies of the project. For each size: the full build
(`fanzha build`), generation cold and with nothing changed, MkDocs alone on the same generated pages (the
baseline: what our own code adds), Zensical on the same tree (when `make site-zensical` installed it),
the case page's size, the bytes a page load and one search fetch in a real browser (when chromium and
Playwright are there), and for the largest size the time from saving an edited case to `make serve`
showing it.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
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
from fanzha.site import generate  # noqa: E402

TARGETS = {
    "build_1000": 8.0, "generate_share": 0.10, "unchanged": 1.0, "case_page_kb": 20,
    "query_mb_1000": 1.5, "query_mb_10000": 3.0, "serve_edit": 1.0, "validate_10000": 10.0,
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


def serve_edit_time(project: Path) -> float | None:
    """Seconds from saving an edited case to `mkdocs serve --dirty` (make serve) serving the new text."""
    port = 8765
    env = build_env(project)
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    server = subprocess.Popen([mkdocs, "serve", "--dirty", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"], cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/casebook/cases/synthetic-00001/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            return None
        time.sleep(3)  # let the first background search indexing finish
        case = project / "cases" / "synthetic-00001.yml"
        marker = "基准测试编辑标记"
        text = case.read_text(encoding="utf-8").replace("title:\n  zh: ", f"title:\n  zh: {marker}", 1)
        start = time.perf_counter()
        case.write_text(text, encoding="utf-8")
        while time.perf_counter() - start < 120:
            try:
                if marker in urllib.request.urlopen(url, timeout=2).read().decode("utf-8"):
                    return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        return None
    finally:
        server.terminate()
        server.wait()


def bench_size(count: int, folder: Path, serve: bool) -> dict:
    project = make_project(folder / f"p{count}", count)
    result: dict = {"count": count}
    result["generate_cold"] = timed(generate, project)
    result["generate_unchanged"] = timed(generate, project)
    shutil.rmtree(project / "build")  # the full build from nothing
    result["build"] = timed(build_site, project)
    result["mkdocs_alone"] = mkdocs_alone(project)
    result["zensical"] = zensical_build(project)
    page = project / "site" / "cases" / "synthetic-00001" / "index.html"
    result["case_page_kb"] = page.stat().st_size / 1000
    result["bytes"] = browser_bytes(project / "site")
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
    print(f"{'cases':>6} | {'build':>7} | {'generate cold / unchanged':>25} | {'MkDocs alone':>12} | {'ours/MkDocs':>11} | {'Zensical':>8} | {'case page':>9} | {'serve edit':>10}")
    for r in results:
        zensical = f"{r['zensical']:.1f} s" if r["zensical"] is not None else "n/a"
        serve = f"{r['serve_edit']:.2f} s" if r["serve_edit"] is not None else "-"
        print(f"{r['count']:>6} | {r['build']:>5.1f} s | {r['generate_cold']:>9.2f} s / {r['generate_unchanged']:>6.2f} s     | "
              f"{r['mkdocs_alone']:>10.1f} s | {r['build'] / r['mkdocs_alone']:>10.2f}x | {zensical:>8} | {r['case_page_kb']:>6.1f} KB | {serve:>10}")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        print(f"t({large['count']})/t({small['count']}): build {large['build'] / small['build']:.1f}, MkDocs alone {large['mkdocs_alone'] / small['mkdocs_alone']:.1f}")
    print("bytes fetched (uncompressed), page load / one query:")
    for r in results + ([dict(big, count=big_count)] if big else []):
        b = r.get("bytes") if "bytes" in r else r
        if b:
            print(f"  {r['count']:>6} cases: zh {b['load_zh'] / 1e3:.0f} KB / {b['query_zh'] / 1e6:.2f} MB; en {b['load_en'] / 1e3:.0f} KB / {b['query_en'] / 1e6:.2f} MB")
    if validation:
        count, seconds = validation
        print(f"validation: {count} cases in {seconds:.2f} s ({seconds / count * 1000:.2f} ms per case)")
    by_count = {r["count"]: r for r in results}
    if 1000 in by_count:
        r = by_count[1000]
        print("targets at 1000 cases:")
        print(f"  full build {r['build']:.1f} s (target {TARGETS['build_1000']} s) -> {mark(r['build'] <= TARGETS['build_1000'])}")
        share = r["generate_cold"] / r["build"]
        print(f"  generation {share:.0%} of the build (target {TARGETS['generate_share']:.0%}) -> {mark(share <= TARGETS['generate_share'])}")
        print(f"  generation with nothing changed {r['generate_unchanged']:.2f} s (target {TARGETS['unchanged']} s) -> {mark(r['generate_unchanged'] <= TARGETS['unchanged'])}")
        print(f"  case page {r['case_page_kb']:.1f} KB (target {TARGETS['case_page_kb']} KB) -> {mark(r['case_page_kb'] <= TARGETS['case_page_kb'])}")
        if r["bytes"]:
            worst = max(r["bytes"]["query_zh"], r["bytes"]["query_en"]) / 1e6
            print(f"  one query {worst:.2f} MB (target {TARGETS['query_mb_1000']} MB) -> {mark(worst <= TARGETS['query_mb_1000'])}")
        if r["serve_edit"] is not None:
            print(f"  serve, save to page {r['serve_edit']:.2f} s (target {TARGETS['serve_edit']} s) -> {mark(r['serve_edit'] <= TARGETS['serve_edit'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="corpus sizes for the build benchmark")
    parser.add_argument("--validate", type=int, default=10_000, help="cases for the validation benchmark (0: skip)")
    parser.add_argument("--search-big", type=int, default=10_000, help="cases for the search-bytes benchmark (0: skip)")
    parser.add_argument("--quick", action="store_true", help="100 and 1000 cases only, no serve or 10,000-case runs")
    args = parser.parse_args()
    if args.quick:
        args.validate = args.search_big = 0
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = [bench_size(n, folder, serve=(n == max(args.sizes) and not args.quick)) for n in args.sizes]
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
