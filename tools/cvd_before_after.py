"""Lesson 02's soft k-means panel (beta = 1) before and after the course palette, as seen with deuteranopia.

    .venv/bin/python tools/cvd_before_after.py   # -> benchmarks/results/cvd_before_after.png

Top row: matplotlib's default tab10 colours, every point a dot (the lessons before issue 14).
Bottom row: the course palette (Okabe-Ito), each point in the marker of its most likely cluster.
Left: as drawn; right: the same pixels through the Machado et al. (2009) deuteranopia matrix
(tools/cvd.py). Colours blend by responsibility in both rows, as gt.plotting.responsibility_colors does.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
import cvd  # noqa: E402

import gmm_teach as gt  # noqa: E402

BETA, K = 1.0, 3
OUT = ROOT / "benchmarks" / "results" / "cvd_before_after.png"


def panel(X, gamma, palette, markers: bool) -> np.ndarray:
    """The soft k-means scatter drawn with ``palette`` (blended by gamma); returns its RGB pixels."""
    fig, ax = plt.subplots(figsize=(4.2, 3.6), dpi=110)
    colors = np.clip(gamma @ np.array([to_rgb(c) for c in palette[: gamma.shape[1]]]), 0, 1)  # (N, 3)
    labels = gamma.argmax(axis=1)
    for k in range(gamma.shape[1]):
        ax.scatter(*X[labels == k].T, s=14, c=colors[labels == k], linewidths=0,
                   marker=gt.plotting.component_marker(k) if markers else "o")
    ax.set_xticks([])
    ax.set_yticks([])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return np.asarray(Image.open(buffer).convert("RGB")) / 255.0  # (H, W, 3)


def main() -> None:
    X, _ = gt.datasets.blobs()
    gamma = gt.soft_kmeans(X, K, BETA, seed=0, max_iter=3000).responsibilities  # (N, K)
    tab10 = [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab10"].colors]
    rows = [("before: tab10, dots only", panel(X, gamma, tab10, markers=False)),
            ("after: course palette + marker per cluster", panel(X, gamma, gt.plotting.PALETTE, markers=True))]
    fig, axes = plt.subplots(2, 2, figsize=(9.2, 8.0), dpi=110)
    for (name, pixels), row in zip(rows, axes, strict=True):
        row[0].imshow(pixels)
        row[0].set_title(f"{name}\nnormal vision", fontsize=10)
        row[1].imshow(cvd.simulate(pixels, "deuteranopia"))
        row[1].set_title(f"{name}\nsimulated deuteranopia (Machado 2009)", fontsize=10)
        for ax in row:
            ax.axis("off")
    fig.suptitle(f"Lesson 02: soft k-means, beta = {BETA:g}, K = {K}: colours blend by responsibility", fontsize=11)
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
