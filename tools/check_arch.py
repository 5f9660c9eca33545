#!/usr/bin/env python3
"""The layering the compiler cannot enforce (ARCHITECTURE.md); `make check-arch`,
run by `make test-native`.

1. Dependencies: `cargo tree -e normal` of each crate may not contain the
   crates its layer forbids (din-core: no plotters and no web crate;
   din-draw and din-train: no web crate; din-train no plotters; the page's
   wasm crate din-viz: not din-train nor din-train-web, so the trainer
   never enters the page; din-train-web, the worker's wasm: no plotters,
   no din-draw, no web-sys/js-sys, only wasm-bindgen).
2. Module cycles: inside each crate, the modules (top-level files or
   folders of src/) and the `use crate::x` / `crate::x::` / `super::x`
   edges between them must form no cycle. Test code (files named
   `*tests.rs` and a file's trailing `#[cfg(test)] mod tests`) is left out:
   tests may look at any module.
3. Size: a source file of a crate over 600 lines says why it is one file
   ("Over 600 lines because ...") in its first 40 lines (www/ has the
   same rule in tests/node/www-maths.test.mjs).

Exits non-zero and names each breach. Needs only python3 and cargo.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# crate -> (its src folder, packages that may not appear in its normal dependency tree)
WEB = ["wasm-bindgen", "web-sys", "js-sys"]
CRATES = {
    "din-core": ("crates/din-core/src", ["plotters", "plotters-backend", "din-draw", "din-train"] + WEB),
    "din-draw": ("crates/din-draw/src", ["din-train"] + WEB),
    "din-train": ("crates/din-train/src", ["plotters", "plotters-backend", "din-draw"] + WEB),
    "din-train-web": ("crates/din-train-web/src", ["plotters", "plotters-backend", "din-draw", "web-sys", "js-sys"]),
    "din-viz": ("src", ["din-train", "din-train-web"]),
}


def tree_packages(package, target=None):
    cmd = ["cargo", "tree", "-p", package, "-e", "normal", "--prefix", "none", "--format", "{p}", "--offline"]
    if target:
        cmd += ["--target", target]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        # --offline fails when the index was never fetched; try without.
        cmd.remove("--offline")
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"check-arch: `{' '.join(cmd)}` failed:\n{out.stderr}")
    return {line.split()[0] for line in out.stdout.splitlines() if line.strip()}


TOKENS = re.compile(
    r"//[^\n]*"                       # line comment (doc comments too)
    r"|/\*(?:.|\n)*?\*/"              # block comment
    r"|(?<![A-Za-z0-9_])b?r(#*)\"(?:.|\n)*?\"\1"  # raw string
    r"|(?<![A-Za-z0-9_])b?\"(?:\\.|[^\"\\])*\""  # string
    r"|'(?:\\.|[^'\\\n])'"              # char literal (not a lifetime)
)


def strip_code(text):
    """The code without comments and literals, and without its trailing test module."""
    text = TOKENS.sub(lambda m: '""' if m.group(0)[:1] in "br\"'" else " ", text)
    m = re.search(r"#\[cfg\(test\)\]\s*mod tests\s*\{", text)
    if m:
        text = text[: m.start()]
    return text


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[0] in ("bin",):
        return None
    if rel[-1] in ("lib", "main") and len(rel) == 1:
        return None
    return rel[0] if len(rel) > 1 or rel[0] != "mod" else None


def edges(src):
    graph = {}
    for folder, _, files in os.walk(os.path.join(ROOT, src)):
        for f in files:
            if not f.endswith(".rs") or f.endswith("tests.rs"):
                continue
            path = os.path.join(folder, f)
            mod = module_of(os.path.join(ROOT, src), path)
            if mod is None:
                continue
            text = strip_code(open(path, encoding="utf-8").read())
            targets = set()
            for m in re.finditer(r"\bcrate::(\{(?:[^{}]|\{[^{}]*\})*\}|[a-z_0-9]+)", text):
                g = m.group(1)
                if g.startswith("{"):
                    depth, names, cur = 0, [], ""
                    for ch in g[1:-1]:
                        if ch == "{":
                            depth += 1
                        elif ch == "}":
                            depth -= 1
                        if ch == "," and depth == 0:
                            names.append(cur)
                            cur = ""
                        else:
                            cur += ch
                    names.append(cur)
                    targets.update(re.match(r"\s*([a-z_0-9]*)", n).group(1) for n in names)
                else:
                    targets.add(g)
            # `super::x` from a file one folder down names a sibling of its folder.
            depth = len(os.path.relpath(path, os.path.join(ROOT, src)).split(os.sep))
            if depth == 1 or (depth == 2 and f == "mod.rs"):
                for m in re.finditer(r"\bsuper::([a-z_0-9]+)", text):
                    targets.add(m.group(1))
            targets.discard(mod)
            targets.discard("self")
            targets.discard("")
            graph.setdefault(mod, set()).update(targets)
    mods = set(graph)
    return {m: {t for t in ts if t in mods} for m, ts in graph.items()}


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


MAX_LINES = 600
REASON = re.compile(r"over 600 lines because", re.I)


def oversized(src):
    """Source files of `src` over MAX_LINES lines with no reason at their top."""
    out = []
    for folder, _, files in os.walk(os.path.join(ROOT, src)):
        for f in sorted(files):
            if not f.endswith(".rs"):
                continue
            path = os.path.join(folder, f)
            lines = open(path, encoding="utf-8").read().split("\n")
            if len(lines) > MAX_LINES and not REASON.search("\n".join(lines[:40])):
                out.append(f"{os.path.relpath(path, ROOT)} has {len(lines)} lines and no \"Over 600 lines because\" at its top")
    return out


def main():
    failures = []
    for package, (src, banned) in CRATES.items():
        targets = [None] if package != "din-viz" else [None, "wasm32-unknown-unknown"]
        for target in targets:
            found = tree_packages(package, target) & set(banned)
            if found:
                where = f" (target {target})" if target else ""
                failures.append(f"{package}{where} depends on {', '.join(sorted(found))}")
        graph = edges(src)
        for comp in cycles(graph):
            detail = "; ".join(f"{m} -> {', '.join(sorted(graph[m] & set(comp)))}" for m in comp)
            failures.append(f"{package}: module cycle {{{', '.join(comp)}}}: {detail}")
        failures += oversized(src)
        n_edges = sum(len(v) for v in graph.values())
        print(f"check-arch: {package}: {len(graph)} modules, {n_edges} edges, forbidden: {', '.join(banned)}")
    if failures:
        for f in failures:
            print(f"check-arch: FAIL: {f}")
        return 1
    print(f"check-arch: every crate keeps to its layer; no module cycle; every file over {MAX_LINES} lines says why")
    return 0


if __name__ == "__main__":
    sys.exit(main())
