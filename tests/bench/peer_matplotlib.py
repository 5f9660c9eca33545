"""The matplotlib peer of `make bench` (issue 15).

A notebook-style redraw of the page's three main charts, for the same scenes
the page is timed on: the attention bars (alpha per LastN item), the 2-D map
(the items, q, pooled and mean projected on two fixed axes) and the vector
heatmap (the n x d keys). Each edit moves q1 by +-0.01 as the bench's slider
edit does, recomputes alpha = softmax(x_i . q), pooled and mean with numpy,
clears the three axes, plots them again and renders the figure with the Agg
backend (what a notebook does before it shows a PNG). The time per edit is
wall time of that whole step (there is no other work in this process).

Scene inputs are the bench's seeded clustered vectors (bench.mjs makeVectors,
mulberry32), re-implemented here step for step, so both sides draw the same
numbers. The default page's own 10 items are not reachable from Python; its
scene here is n = 10, d = 8 of the same generator (what matters is the size).

Usage: python peer_matplotlib.py [--edits N] [--cap-seconds S] [--scenes a,b]
Prints one JSON object on stdout: {"matplotlib": version, "scenes": [...]}.
"""

import argparse
import json
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# id, label, n, d, seed, figure size in CSS px (the page's viewport), dpr
SCENES = [
    ("n10", "default page, n = 10, d = 8", 10, 8, 10, (1440, 1000)),
    ("lecture", "lecture mode 1920x1080, n = 10, d = 8", 10, 8, 10, (1920, 1080)),
    ("n1000", "n = 1,000, d = 64", 1000, 64, 1000, (1440, 1000)),
    ("n10000", "n = 10,000, d = 64", 10000, 64, 10000, (1440, 1000)),
]
DPR = 2


def mulberry32(seed):
    s = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def nxt():
        nonlocal s
        s = (s + 0x6D2B79F5) & 0xFFFFFFFF
        a = s
        t = imul(a ^ (a >> 15), 1 | a)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0

    return nxt


def make_vectors(seed, n, d, k=6):
    """Identical step for step to bench.mjs makeVectors."""
    nxt = mulberry32(seed)
    centroids = np.array([nxt() * 2 - 1 for _ in range(k * d)]).reshape(k, d)

    def point():
        c = min(int(nxt() * k), k - 1)
        return np.array([centroids[c, j] + (nxt() + nxt() + nxt() - 1.5) * 0.3 for j in range(d)])

    query = point()
    keys = np.array([point() for _ in range(n)]) if n else np.zeros((0, d))
    return query, keys


def attend(query, keys):
    s = keys @ query
    e = np.exp(s - s.max())
    alpha = e / e.sum()
    return alpha, alpha @ keys, keys.mean(axis=0)


def draw(fig, axes, query, keys, basis, labels):
    alpha, pooled, mean = attend(query, keys)
    bars, mapax, heat = axes
    for ax in axes:
        ax.clear()
    bars.bar(np.arange(len(alpha)), alpha, color="#4c78a8", width=0.8)
    bars.set_title("attention weights alpha_i")
    bars.set_xlabel("LastN item")
    if labels is not None:
        bars.set_xticks(np.arange(len(alpha)), labels, rotation=45, fontsize=7)
    pts = keys @ basis
    mapax.scatter(pts[:, 0], pts[:, 1], s=8 + 200 * alpha, c=alpha, cmap="viridis")
    for name, v, colour in (("q", query, "#d62728"), ("pooled", pooled, "#2ca02c"), ("mean", mean, "#7f7f7f")):
        p = v @ basis
        mapax.scatter([p[0]], [p[1]], s=80, marker="*", color=colour)
        mapax.annotate(name, (p[0], p[1]))
    mapax.set_title("2-D map")
    heat.imshow(keys, aspect="auto", cmap="RdBu_r", vmin=-1.5, vmax=1.5, interpolation="nearest")
    heat.set_title("LastN vectors (n x d)")
    fig.canvas.draw()
    return float(alpha.sum())


def run_scene(scene, edits, cap_s):
    sid, label, n, d, seed, (w, h) = scene
    query, keys = make_vectors(seed, n, d)
    # Two fixed axes for the map: the first two principal directions of the keys.
    centred = keys - keys.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    basis = vt[:2].T
    labels = [f"item {i + 1}" for i in range(n)] if n <= 50 else None
    fig = plt.figure(figsize=(w / 100, h / 100), dpi=100 * DPR)
    axes = (fig.add_subplot(2, 2, 1), fig.add_subplot(2, 2, 2), fig.add_subplot(2, 1, 2))
    draw(fig, axes, query, keys, basis, labels)  # the first draw (not timed)
    times = []
    until = time.perf_counter() + cap_s
    for i in range(edits):
        if time.perf_counter() > until:
            break
        query[0] += 0.01 if i % 2 == 0 else -0.01
        t0 = time.perf_counter()
        draw(fig, axes, query, keys, basis, labels)
        times.append((time.perf_counter() - t0) * 1000)
    plt.close(fig)
    return {
        "id": sid, "label": label, "n": n, "d": d, "pixels": [w * DPR, h * DPR],
        "edits": len(times), "median": statistics.median(times), "min": min(times),
        "p95": sorted(times)[min(len(times) - 1, int(0.95 * (len(times) - 1) + 0.5))],
        "checksum": {"query0": float(make_vectors(seed, 0, d)[0][0])},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--cap-seconds", type=float, default=40)
    ap.add_argument("--scenes", default="")
    a = ap.parse_args()
    pick = set(filter(None, a.scenes.split(",")))
    out = {"matplotlib": matplotlib.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
           "backend": matplotlib.get_backend(), "scenes": []}
    for sc in SCENES:
        if pick and sc[0] not in pick:
            continue
        out["scenes"].append(run_scene(sc, a.edits, a.cap_seconds))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
