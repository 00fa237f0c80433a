#!/usr/bin/python3
"""Writes a results/ page for one `qasim train` run from its summary.json and curve.csv,
with the command that made it (figures are read, never typed).
Usage: scripts/recipe_result.py RUN_DIR OUT.md TITLE -- QASIM_TRAIN_COMMAND..."""
import csv
import json
import os
import shlex
import sys


def main():
    if len(sys.argv) < 5 or "--" not in sys.argv:
        sys.exit(__doc__)
    split = sys.argv.index("--")
    run_dir, out_md, title = sys.argv[1:4]
    command = " ".join(shlex.quote(a) for a in sys.argv[split + 1:])
    summary = json.load(open(os.path.join(run_dir, "summary.json")))
    rows = list(csv.DictReader(open(os.path.join(run_dir, "curve.csv"))))
    lines = [
        f"# {title}",
        "",
        "Written by `scripts/recipe_result.py` from the run's summary.json and curve.csv.",
        "",
        f"Command: `{command}`",
        "",
        f"- model {summary['model']}, dataset {summary['dataset']}, quant {summary['quant']}, "
        f"{summary['epochs']} epochs on {summary['train_images']} training images, "
        f"{summary['device']}, {summary['threads']} thread(s)",
        f"- **golden integer accuracy {summary['golden_accuracy']:.2f} %**, fake-quant "
        f"{summary['fake_quant_accuracy']:.2f} % ({summary['test_images']} test images)",
        f"- training time of this run: {summary['training_seconds_this_run'] / 60:.1f} min",
        "",
        "| epoch | train loss | train % | test % (fake-quant) | lr | s | images/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['epoch']} | {float(r['train_loss']):.4f} | {float(r['train_accuracy']):.2f} | "
            f"{float(r['test_accuracy_fake_quant']):.2f} | {float(r['lr']):.4g} | "
            f"{float(r['seconds']):.0f} | {float(r['images_per_second']):.1f} |")
    with open(out_md + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(out_md + ".tmp", out_md)


if __name__ == "__main__":
    main()
