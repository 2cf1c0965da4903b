"""Executes one notebook on the project's tslab kernel, cell by cell, and writes the executed
notebook and an HTML report, printing each code cell as it runs and how long it took. tslab skips every cell after a failing one without saying so, so this
stops at the first failure and names the notebook and the cell (exit 1). An unawaited promise that
rejected (printed by tslab as `<rejected>`) counts as a failure too.

The executed notebook gets execution counts (tslab sends none) and its H1 as title; the HTML
report gets that title, code that wraps instead of being cut off, plotly.js inlined once (so every
figure is interactive offline), and in quick mode a banner saying so, as the notebook does.

usage: execute_notebook.py IN.ipynb OUT.ipynb OUT.html [--kernel NAME] [--timeout SECONDS]
                           [--plotly PLOTLY.MIN.JS] [--quick] [--whole-lines]
                           [--digests DIGESTS.json]
"""
import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter


def write_atomic(path, text):
    """Writes through a temporary file unique to this call, flushed, then renamed over `path`: two
    reports writing one notebook each leave a whole file, and a reader never sees half of one."""
    folder, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def cell_text(cell):
    """All text a cell printed, stdout and stderr, for the failure message."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append("%s: %s" % (out.get("ename", ""), out.get("evalue", "")))
    return "".join(parts)


QUICK_NOTE = (
    "**Quick mode**: this report ran on small settings (a data slice, few epochs, fewer folds) "
    "to check that every cell works. Its numbers say nothing about the models; "
    "`npm run report` runs the full settings."
)

REPORT_CSS = """<style>
/* Wrap long code lines instead of cutting them off. */
.jp-InputArea pre, .jp-OutputArea pre, .highlight pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.lmt-quick { background: #fff3cd; border: 1px solid #e0b400; padding: .6em 1em; margin: 1em auto;
  max-width: 60em; font-family: sans-serif; }
</style>"""


def first_heading(nb):
    """The text of the notebook's first H1, for titles."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return None


def decorate_html(html, plotly_path, quick):
    """Adds the CSS, plotly.js (guarded against require.js) and the quick-mode banner."""
    head = REPORT_CSS
    if plotly_path:
        with open(plotly_path, encoding="utf-8") as f:
            bundle = f.read()
        head += "<script>(function(define, module, exports){\n%s\n}).call(window);</script>" % bundle
    html = html.replace("</head>", head + "\n</head>", 1)
    if quick:
        banner = (
            '<div class="lmt-quick"><strong>Quick mode</strong>: small settings (a data slice, few '
            "epochs, fewer folds) to check that every cell works. The numbers say nothing about the "
            "models; <code>npm run report</code> runs the full settings.</div>"
        )
        html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, html, count=1)
    return html


def start_kernel(nb, kernel, timeout, attempts=3):
    """A client whose kernel is up. tslab now and then answers the first kernel_info request while
    its sockets are still binding ("Socket is blocked by a bind or unbind operation") and never
    becomes ready; such a kernel is shut down and another started, up to `attempts` times."""
    for attempt in range(1, attempts + 1):
        client = NotebookClient(
            nb, kernel_name=kernel, timeout=timeout, allow_errors=False, startup_timeout=30
        )
        client.km = client.create_kernel_manager()
        client.start_new_kernel()
        try:
            client.start_new_kernel_client()
            return client
        except RuntimeError as e:
            client.km.shutdown_kernel(now=True)
            if attempt == attempts:
                raise
            print("kernel did not start (%s); starting another" % e, file=sys.stderr)


def set_execution_count(cell, count):
    """Numbers a code cell and its results as Jupyter does (tslab's replies carry no count)."""
    cell.execution_count = count
    for out in cell.get("outputs", []):
        if out.get("output_type") == "execute_result":
            out["execution_count"] = count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out_ipynb")
    ap.add_argument("out_html")
    ap.add_argument("--kernel", default="literate-ml-ts")
    ap.add_argument("--timeout", type=int, default=3600)
    ap.add_argument("--plotly", default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--whole-lines", action="store_true")
    # Where to write the SHA-256 of the two files as this run wrote them (JSON), so that the
    # report's up-to-date stamp describes this run's outputs even if another run replaces them.
    ap.add_argument("--digests", default=None)
    args = ap.parse_args()

    nb = nbformat.read(args.src, as_version=4)
    client = start_kernel(nb, args.kernel, args.timeout)
    failure = None
    code_no = 0
    total = sum(1 for c in nb.cells if c.cell_type == "code")
    name = os.path.basename(args.src)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            code_no += 1
            first = next((l for l in cell.source.splitlines() if l.strip()), "")
            where = "%s: cell %d (code cell %d, `%s`)" % (args.src, index + 1, code_no, first[:60])
            # Progress on the console: which cell runs, then how long it took. With --whole-lines
            # (notebooks run side by side on one console) each is a line of its own, the second
            # repeating the cell, so that lines of two notebooks never run into each other.
            line = "  %s [%d/%d] %s ..." % (name, code_no, total, first[:60])
            if args.whole_lines:
                print(line + " started", flush=True)
            else:
                print(line, end="", flush=True)
            started = time.monotonic()
            try:
                client.execute_cell(cell, index)
                set_execution_count(cell, code_no)
            except CellTimeoutError:
                failure = "%s timed out after %d s" % (where, args.timeout)
            except DeadKernelError as e:
                failure = "%s: the kernel died (%s)" % (where, e)
            except CellExecutionError:
                failure = "%s failed:\n%s" % (where, cell_text(cell).strip())
            else:
                if "<rejected>" in cell_text(cell):
                    failure = "%s: a promise rejected without being awaited:\n%s" % (
                        where,
                        cell_text(cell).strip(),
                    )
            outcome = " %s %.1f s" % ("FAILED" if failure else "ok", time.monotonic() - started)
            print((line if args.whole_lines else "") + outcome, flush=True)
            if failure:
                set_execution_count(cell, code_no)
                break

    title = first_heading(nb)
    if title:
        nb.metadata["title"] = title
    # The HTML report gets a styled banner; the executed notebook a first cell saying the same.
    html, _ = HTMLExporter().from_notebook_node(nb)
    if args.quick:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(QUICK_NOTE))
    written = {
        "ipynb": nbformat.writes(nb),
        "html": decorate_html(html, args.plotly, args.quick),
    }
    write_atomic(args.out_ipynb, written["ipynb"])
    write_atomic(args.out_html, written["html"])
    if args.digests:
        digests = {k: hashlib.sha256(v.encode("utf-8")).hexdigest() for k, v in written.items()}
        write_atomic(args.digests, json.dumps(digests))
    if failure:
        print(failure, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
