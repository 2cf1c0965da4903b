"""Executes one notebook on the project's tslab kernel, cell by cell, and writes the executed
notebook and an HTML report. tslab skips every cell after a failing one without saying so, so this
stops at the first failure and names the notebook and the cell (exit 1). An unawaited promise that
rejected (printed by tslab as `<rejected>`) counts as a failure too.

usage: execute_notebook.py IN.ipynb OUT.ipynb OUT.html [--kernel NAME] [--timeout SECONDS]
"""
import argparse
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def cell_text(cell):
    """All text a cell printed, stdout and stderr, for the failure message."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append("%s: %s" % (out.get("ename", ""), out.get("evalue", "")))
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out_ipynb")
    ap.add_argument("out_html")
    ap.add_argument("--kernel", default="literate-ml-ts")
    ap.add_argument("--timeout", type=int, default=3600)
    args = ap.parse_args()

    nb = nbformat.read(args.src, as_version=4)
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, allow_errors=False)
    failure = None
    code_no = 0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            code_no += 1
            first = next((l for l in cell.source.splitlines() if l.strip()), "")
            where = "%s: cell %d (code cell %d, `%s`)" % (args.src, index + 1, code_no, first[:60])
            try:
                client.execute_cell(cell, index)
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
            if failure:
                break

    write_atomic(args.out_ipynb, nbformat.writes(nb))
    html, _ = HTMLExporter().from_notebook_node(nb)
    write_atomic(args.out_html, html)
    if failure:
        print(failure, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
