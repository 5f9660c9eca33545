#!/bin/sh
# What splitting the page's wasm would buy (issue 15): builds, in a scratch
# worktree of HEAD, (1) the page's module without the code used only later
# (first-draw.patch stubs the lecture panels, the unit panel, the export
# sheet and SVG, the importers and the train charts) and (2) a second module
# holding just that code behind a text boundary (later/), and prints their
# gzip -9 sizes beside the shipped pkg/din_viz_bg.wasm. `make size-split`
# runs it after `make build`; nothing here is built by `make build` or shipped.
#
# A patch that no longer applies means the page's wasm API moved: update
# first-draw.patch (stub the same calls) rather than trusting old figures.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
scratch=${SPLIT_DIR:-$root/target/split}
gz() { gzip -9c "$1" | wc -c | tr -d ' '; }

cd "$root"
test -f pkg/din_viz_bg.wasm || { echo "size-split: run make build first (pkg/din_viz_bg.wasm is missing)"; exit 1; }
rm -rf "$scratch"
git worktree prune
git worktree add --detach "$scratch" HEAD >/dev/null
trap 'cd "$root"; git worktree remove --force "$scratch" >/dev/null 2>&1 || true' EXIT
cd "$scratch"
git apply "$here/first-draw.patch" || { echo "size-split: first-draw.patch no longer applies to HEAD; update it"; exit 1; }
mkdir -p crates/din-later/src
cp "$here/later/Cargo.toml" crates/din-later/Cargo.toml
cp "$here/later/src/lib.rs" crates/din-later/src/lib.rs
sed -i 's|members = \[".", |members = [".", "crates/din-later", |' Cargo.toml
export CARGO_TARGET_DIR="$root/target/split-target"
wasm-pack build --mode no-install --target web --release --no-pack --out-dir "$scratch/pkg-first" >"$scratch/first.log" 2>&1 \
  || { tail -30 "$scratch/first.log"; exit 1; }
wasm-pack build --mode no-install crates/din-later --target web --release --no-pack --out-dir "$scratch/pkg-later" >"$scratch/later.log" 2>&1 \
  || { tail -30 "$scratch/later.log"; exit 1; }

full=$(gz "$root/pkg/din_viz_bg.wasm")
first=$(gz pkg-first/din_viz_bg.wasm)
later=$(gz pkg-later/din_later_bg.wasm)
glue=$(gz pkg-later/din_later.js)
awk -v full="$full" -v first="$first" -v later="$later" -v glue="$glue" 'BEGIN {
  kb = 1000
  printf "size-split: gzip -9, KB = 1000 bytes\n"
  printf "  shipped module (one wasm):                 %6.1f KB\n", full / kb
  printf "  first-draw module (later code stubbed):    %6.1f KB  (%+.1f KB, %+.1f %%)\n", first / kb, (first - full) / kb, 100 * (first - full) / full
  printf "  later module (+ its glue %.1f KB):          %6.1f KB\n", glue / kb, later / kb
  printf "  split, both loaded:                        %6.1f KB  (%+.1f KB, %+.1f %%)\n", (first + later + glue) / kb, (first + later + glue - full) / kb, 100 * (first + later + glue - full) / full
}'
