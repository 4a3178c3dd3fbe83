#!/usr/bin/python3
"""Executes one notebook headless with Debian's nbclient and checks its outputs.

Why not `jupyter nbconvert --execute`: the Deno kernel (2.9) sometimes publishes `status: idle` on iopub
before the cell's last outputs; nbclient stops reading at idle and silently drops them (20-30% of runs, exit
code 0). This client keeps draining iopub for NB_IOPUB_GRACE seconds after idle (0.2 s by default; late
messages were seen at most 0.2 ms late).

Checks, each a failure (exit 1) naming the cell:
  - a cell error (nbclient raises it) or an `error` output;
  - a code cell without any output, unless tagged `no-output`;
  - a code cell whose output count differs from the one expected: the cell's metadata
    `hivestorm.outputs` (a fixed count), or an output whose metadata `hivestorm_expected_outputs` says how
    many outputs follow it (a count the cell knows only at run time, one per scenario, say). A cell that
    lost 15 of its 25 outputs fails here, not only an empty one;
  - a code cell tagged `chart` without an image output (image/svg+xml or image/png), unless it says in
    Markdown why this run has nothing to draw (an output starting with NO_CHART, "_No chart:").

Usage: run-notebook.py IN.ipynb OUT.ipynb [--kernel NAME] [--export]
  --kernel  the kernel to run (default: the notebook's own kernelspec)
  --export  also write OUT's Markdown (charts extracted to <name>_files/) and HTML beside it, as
            `jupyter nbconvert --to markdown|html` would, without starting Python twice more. Charts are
            shown as `text/html` <img> data URIs in the HTML (nbconvert's cleaner strips raw SVG output)
            and as SVG files in the Markdown
"""
import argparse
import asyncio
import os
import queue
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async

GRACE_S = float(os.environ.get("NB_IOPUB_GRACE", "0.2"))
CELL_TIMEOUT_S = int(os.environ.get("NB_CELL_TIMEOUT", "120"))
IMAGE_TYPES = ("image/svg+xml", "image/png")
NO_CHART = "_No chart:"
EXPECTED_OUTPUTS = "hivestorm_expected_outputs"
# The Markdown export prefers the SVG (written as a file) to the <img> data URI meant for the HTML export.
MARKDOWN_PRIORITY = ["text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/html", "text/latex",
                     "text/plain"]


class GraceClient(NotebookClient):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        loop = asyncio.get_running_loop()
        deadline = None
        while True:
            timeout = None if deadline is None else max(0.0, deadline - loop.time())
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=timeout))
            except queue.Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                if deadline is None:
                    deadline = loop.time() + GRACE_S


def output_problems(nb):
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        tags = cell.metadata.get("tags", [])
        first = cell.source.strip().splitlines()[0][:70]
        where = f"cell {index} ({first})"
        outputs = cell.get("outputs", [])
        for out in outputs:
            if out.output_type == "error":
                problems.append(f"{where}: {out.ename}: {out.evalue}")
            if out.output_type == "stream" and out.name == "stderr":
                problems.append(f"{where}: wrote to stderr: {out.text.strip()[:300]}")
        if not outputs and "no-output" not in tags:
            problems.append(f"{where}: produced no output")
        problems.extend(f"{where}: {p}" for p in count_problems(cell, outputs))
        data = [out.get("data", {}) for out in outputs]
        has_image = any(t in d for d in data for t in IMAGE_TYPES)
        says_why = any(str(d.get("text/markdown", "")).startswith(NO_CHART) for d in data)
        if "chart" in tags and not has_image and not says_why:
            problems.append(f"{where}: tagged chart but produced no image output")
    return problems


def count_problems(cell, outputs):
    """The output-loss guard: the outputs a cell has against the count it declared."""
    problems = []
    fixed = cell.metadata.get("hivestorm", {}).get("outputs")
    if fixed is not None and len(outputs) != fixed:
        problems.append(f"expected {fixed} output(s), found {len(outputs)}")
    for index, out in enumerate(outputs):
        declared = out.get("metadata", {}).get(EXPECTED_OUTPUTS)
        if declared is None:
            continue
        after = len(outputs) - index - 1
        if after != declared:
            problems.append(f"declared {declared} output(s) after output {index}, found {after}")
    return problems


def export(nb, target):
    from nbconvert import HTMLExporter, MarkdownExporter
    from nbconvert.writers import FilesWriter
    from traitlets.config import Config

    out_dir, name = os.path.split(os.path.abspath(target))
    stem = os.path.splitext(name)[0]
    writer = FilesWriter(build_directory=out_dir)
    markdown = MarkdownExporter(config=Config({"NbConvertBase": {"display_data_priority": MARKDOWN_PRIORITY}}))
    for exporter in (markdown, HTMLExporter()):
        resources = {"unique_key": stem, "output_files_dir": f"{stem}_files", "metadata": {"name": stem}}
        body, resources = exporter.from_notebook_node(nb, resources=resources)
        writer.write(body, resources, notebook_name=stem)


def main(argv):
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--kernel")
    parser.add_argument("--export", action="store_true")
    args = parser.parse_args(argv[1:])
    source, target = args.source, args.target
    nb = nbformat.read(source, as_version=4)
    kernel = args.kernel or nb.metadata.get("kernelspec", {}).get("name", "deno")
    client = GraceClient(
        nb,
        kernel_name=kernel,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}},
    )
    failed = None
    try:
        client.execute()
    except CellExecutionError as error:
        failed = str(error).strip().splitlines()
    except Exception as error:  # a dead kernel, a timeout: still write what ran, and say why it stopped
        failed = [f"{type(error).__name__}: {error}"]
    nbformat.write(nb, target)
    problems = output_problems(nb)
    if failed:
        problems.insert(0, "a cell raised: " + " | ".join(line for line in failed if line)[:1500])
    if problems:
        print(f"{source}: {len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    if args.export:
        export(nb, target)
    print(f"{source}: executed, {sum(c.cell_type == 'code' for c in nb.cells)} code cells, outputs complete")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
