"""The Jupyter snippets of README ("Slides and notebooks"), runnable without Jupyter.

In a notebook cell:

    from IPython.display import IFrame, HTML
    # 1. The served page (python3 -m http.server in the repository, or any web server):
    IFrame("http://127.0.0.1:8000/www/index.html#scene=why-din-works&candidate=news&embed=1&panels=bars,map",
           width=960, height=420)
    # 2. The one-file build inside the notebook itself (offline, nothing to serve):
    HTML(din_srcdoc("dist/din-attention.html", "scene=why-din-works&candidate=news&embed=1&panels=bars,map"))

This script writes what `HTML(...)` would display into a standalone page,
so that the end-to-end suite can open it:

    python3 www/examples/jupyter/srcdoc_demo.py dist/din-attention.html dist/jupyter-srcdoc.html
"""

import html
import pathlib
import sys


def din_srcdoc(path, state="", width=960, height=420):
    """An <iframe srcdoc> holding the one-file build, opened at `state`.

    `state` uses the URL's key=value format. A srcdoc frame has no address
    of its own, so the state goes into <meta name="din-state">, which the
    page reads on load. The file is read as latin-1 (one character per
    byte), the form its inlined module expects.
    """
    page = pathlib.Path(path).read_bytes().decode("latin-1")
    meta = f'<meta name="din-state" content="{html.escape(state, quote=True)}">'
    page = page.replace("<head>", "<head>\n" + meta, 1)
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" title="DIN attention" '
        f'width="{width}" height="{height}" style="border:1px solid #ccc"></iframe>'
    )


def main():
    src, out = sys.argv[1], sys.argv[2]
    frame = din_srcdoc(src, "scene=why-din-works&candidate=news&embed=1&panels=bars,map")
    pathlib.Path(out).write_text(
        "<!doctype html><meta charset='utf-8'><title>DIN in a notebook cell (srcdoc)</title>\n"
        "<h1>Output of a notebook cell</h1>\n" + frame + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
