"""`make size-report`: which crates make up the page's wasm.

Reads `twiggy top -f csv` of the release wasm as cargo built it (before
wasm-bindgen and wasm-opt, so it still has function names) and prints the
code and data by crate, largest first, with the shipped module's raw and
gzip -9 sizes. The names section and wasm-bindgen's custom section are left
out: neither is shipped. Shares of the named module approximate the
shipped one's (wasm-opt shrinks every crate's code about alike).

Usage: python3 tools/size_report.py TOP.csv SHIPPED.wasm
"""

import csv
import gzip
import re
import sys
from collections import defaultdict

# Names, custom sections and wasm-bindgen's describe exports and
# placeholder imports (wasm-bindgen removes them).
NOT_SHIPPED = ('"function names"', "custom section", 'export "__wbindgen_describe', "import __wbindgen_placeholder", "__wbindgen_describe")


def crate_of(name):
    if name.startswith("data segment"):
        return "(data: " + name.split('"')[1] + ")"
    if name.startswith(("custom section", "type[", "import ", "export ", "elem", "table", "memory", "global", '"')):
        return "(wasm sections)"
    s = re.sub(r"^(<|&|mut |dyn |impl )+", "", name)
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", s)
    if not m:
        return "(other)"
    return m.group(1)


def main():
    top_csv, shipped = sys.argv[1], sys.argv[2]
    by = defaultdict(int)
    fmt_float = 0
    total = 0
    with open(top_csv, newline="") as f:
        for row in csv.DictReader(f):
            name, size = row["Name"], int(row["ShallowSize"])
            if name.startswith(NOT_SHIPPED) or name.startswith("Σ") or name.startswith("..."):
                continue
            by[crate_of(name)] += size
            total += size
            if "flt2dec" in name or "float_to_decimal" in name or "float_to_exponential" in name or "fmt::float" in name:
                fmt_float += size
    data = open(shipped, "rb").read()
    print(f"size-report: shipped {shipped}: {len(data) / 1000:.1f} KB raw, {len(gzip.compress(data, 9)) / 1000:.1f} KB gzip -9")
    print(f"size-report: named module, code + data without names, custom sections and wasm-bindgen's describe code: {total / 1000:.1f} KB; by crate:")
    for crate, size in sorted(by.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {crate:<28} {size / 1000:8.1f} KB  {100 * size / total:5.1f} %")
    print(f"  (of which core::fmt float formatting, flt2dec: {fmt_float / 1000:.1f} KB)")
    print("size-report: full lists in target/size-report/ (top.txt, dominators.txt, top.csv)")


if __name__ == "__main__":
    main()
