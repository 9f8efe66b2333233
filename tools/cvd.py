"""Colours as a reader with a colour-vision deficiency sees them, and how far apart they look.

    .venv/bin/python tools/cvd.py      # the course palette's smallest distances, per deficiency

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model for
simulation of color vision deficiency", IEEE TVCG 15(6), severity 1.0 (full dichromacy):
a 3x3 matrix applied to LINEAR sRGB. Distance: CIE76 Delta E (Euclidean in CIELAB, D65
white), where about 2.3 is "just noticeable" and 10+ reads as clearly different at a glance.
"""

from __future__ import annotations

import itertools
import sys

import numpy as np
from matplotlib.colors import to_rgb

MACHADO_2009 = {  # severity 1.0, rows sum to 1 (white stays white)
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
WHITE_D65 = SRGB_TO_XYZ.sum(axis=1)  # XYZ of sRGB white (1, 1, 1)


def to_linear(rgb):
    """sRGB in [0, 1] -> linear light (the IEC 61966-2-1 transfer curve)."""
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def from_linear(lin):
    """Linear light -> sRGB in [0, 1] (clipped: a simulated colour may leave the gamut slightly)."""
    lin = np.clip(np.asarray(lin, dtype=float), 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate(rgb, deficiency: str):
    """(..., 3) sRGB colours as seen with ``deficiency`` ("protanopia", "deuteranopia", "tritanopia")."""
    if deficiency not in MACHADO_2009:
        raise ValueError(f"deficiency must be one of {tuple(MACHADO_2009)}, got {deficiency!r}")
    return from_linear(to_linear(rgb) @ MACHADO_2009[deficiency].T)


def to_lab(rgb):
    """(..., 3) sRGB -> CIELAB (D65)."""
    xyz = to_linear(rgb) @ SRGB_TO_XYZ.T / WHITE_D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(rgb1, rgb2) -> np.ndarray:
    """CIE76 colour difference between sRGB colours."""
    return np.linalg.norm(to_lab(rgb1) - to_lab(rgb2), axis=-1)


def min_pair_distance(colors, deficiency: str | None = None) -> tuple[float, tuple]:
    """The smallest Delta E between any two of ``colors`` as seen (None: normal vision), and that pair."""
    rgb = np.array([to_rgb(c) for c in colors])
    seen = rgb if deficiency is None else simulate(rgb, deficiency)
    pairs = itertools.combinations(range(len(colors)), 2)
    return min((float(delta_e(seen[i], seen[j])), (colors[i], colors[j])) for i, j in pairs)


def main() -> None:
    sys.path.insert(0, ".")
    from gmm_teach.plotting import PALETTE

    for deficiency in (None, *MACHADO_2009):
        d, pair = min_pair_distance(PALETTE, deficiency)
        print(f"{deficiency or 'normal vision':13s}: smallest Delta E {d:5.1f} between {pair}")


if __name__ == "__main__":
    main()
