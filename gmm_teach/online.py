"""Online mixtures: a Gaussian per pixel updated frame by frame, and Stauffer-Grimson background models.

Every function works on whole images at once: ``x`` is a frame of any shape S
(e.g. (H, W)), and the per-pixel mixture parameters have shape S + (K,).
Derived and used in notebooks/10 (Stauffer & Grimson 1999, "Adaptive background
mixture models for real-time tracking", CVPR).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_finite, check_int, check_positive


def _check_rate(rate, name: str) -> float:
    rate = check_positive(rate, name)
    if rate > 1:
        raise ValueError(f"{name} must be a learning rate in (0, 1], got {rate}")
    return rate


def _check_frames(frames, name: str = "frames") -> np.ndarray:
    frames = as_float_array(frames, name)
    if frames.ndim < 2:
        raise ValueError(f"{name} must be a stack of frames, shape (T, H, W), got shape {frames.shape}")
    check_finite(frames, name)
    return frames


def running_gaussian_update(mean, var, x, rho):
    r"""mu' = mu + rho (x - mu);  sigma'^2 = (1 - rho) sigma^2 + rho (x - mu)(x - mu').

    Parameters
    ----------
    mean, var : arrays of the same shape S, the current mean and variance.
    x : array of shape S, the new observation.
    rho : learning rate in (0, 1], a number or an array broadcasting to S.

    Returns
    -------
    (mean', var'), each of shape S.

    Notes
    -----
    An exponentially weighted mean and variance: each old observation's weight shrinks
    by (1 - rho) per step. With rho = 1/t at step t they are exactly the running mean and
    the (biased, divide-by-t) variance of the first t observations. Stauffer and Grimson
    write (x - mu')^2; (x - mu)(x - mu') = (1 - rho)(x - mu)^2 is the exact weighted
    variance and differs by a factor (1 - rho), negligible for small rho. notebooks/10.
    """
    rho = np.asarray(rho, dtype=float)
    if not (np.all(rho > 0) and np.all(rho <= 1)):
        raise ValueError("rho must be a learning rate in (0, 1]")
    mean, var, x = (as_float_array(a, n) for a, n in ((mean, "mean"), (var, "var"), (x, "x")))
    new_mean = mean + rho * (x - mean)
    new_var = (1 - rho) * var + rho * (x - mean) * (x - new_mean)
    return new_mean, new_var


@dataclass(frozen=True)
class PixelMixtures:
    """One K-component 1-D mixture per pixel: w, mu, var each of shape S + (K,)."""

    w: np.ndarray
    mu: np.ndarray
    var: np.ndarray

    @property
    def K(self) -> int:
        return self.w.shape[-1]


def init_pixel_mixtures(frame, K: int = 3, init_var: float = 400.0) -> PixelMixtures:
    r"""w = (1, 0, ..., 0), mu_1 = x_1, var_k = init_var: every pixel starts from its first frame.

    Parameters
    ----------
    frame : (H, W) (or any shape S) the first frame.
    K : components per pixel.
    init_var : the variance of a new component (wide: it has seen one value).
    """
    x = as_float_array(frame, "frame")
    check_finite(x, "frame")
    K = check_int(K, "K", minimum=1)
    init_var = check_positive(init_var, "init_var")
    w = np.zeros(x.shape + (K,))  # S + (K,)
    w[..., 0] = 1.0
    mu = np.repeat(x[..., None], K, axis=-1)  # S + (K,)
    return PixelMixtures(w, mu, np.full(x.shape + (K,), init_var))


def fitness(m: PixelMixtures) -> np.ndarray:
    r"""w_k / sigma_k: high for a component that is common AND narrow (a stable background)."""
    return m.w / np.sqrt(m.var)


def background_components(m: PixelMixtures, T: float = 0.7) -> np.ndarray:
    r"""B = min_b { sum_{k=1}^b w_(k) > T } over components sorted by w/sigma; returns S + (K,) booleans.

    Notes
    -----
    The first components in the ranking explain most of the time (weight) with little
    spread: the background. Whatever is left, rare or wide, is foreground. notebooks/10.
    """
    T = _check_rate(T, "T")
    order = np.argsort(-fitness(m), axis=-1, kind="stable")  # S + (K,) best first
    w_sorted = np.take_along_axis(m.w, order, axis=-1)
    before = np.cumsum(w_sorted, axis=-1) - w_sorted  # weight of the better components
    is_bg = np.empty_like(before, dtype=bool)
    np.put_along_axis(is_bg, order, before < T, axis=-1)
    return is_bg


def match_component(m: PixelMixtures, x, n_sigma: float = 2.5) -> np.ndarray:
    r"""k* = argmax_k { w_k / sigma_k : |x - mu_k| < n_sigma sigma_k }, or -1 if no component matches; shape S."""
    x = as_float_array(x, "x")
    n_sigma = check_positive(n_sigma, "n_sigma")
    close = (x[..., None] - m.mu) ** 2 < n_sigma**2 * m.var  # S + (K,)
    score = np.where(close & (m.w > 0), fitness(m), -np.inf)
    return np.where(np.isfinite(score.max(axis=-1)), score.argmax(axis=-1), -1)


def _replace_weakest(m: PixelMixtures, x, no_match, init_var, init_weight) -> PixelMixtures:
    """Where nothing matched, the least fit component becomes a new, wide one centred on x."""
    weakest = np.argmin(np.where(m.w > 0, fitness(m), -np.inf), axis=-1)  # unused slots (w = 0) first
    new = no_match[..., None] & (np.arange(m.K) == weakest[..., None])  # S + (K,)
    w = np.where(new, init_weight, m.w)
    return PixelMixtures(w / w.sum(axis=-1, keepdims=True), np.where(new, x[..., None], m.mu),
                         np.where(new, init_var, m.var))


def stauffer_grimson_step(m: PixelMixtures, x, alpha: float = 0.01, n_sigma: float = 2.5,
                          init_var: float = 400.0, init_weight: float = 0.05, min_var: float = 4.0):
    r"""w_k <- (1 - alpha) w_k + alpha M_k;  the matched component: running_gaussian_update with rho = alpha / w_k.

    Parameters
    ----------
    m : the pixel mixtures before this frame.
    x : (H, W) the new frame.
    alpha : learning rate of the weights; 1/alpha frames is the model's memory.
    n_sigma : a component matches x if |x - mu_k| < n_sigma sigma_k.
    init_var, init_weight : variance and weight of a component created for an unmatched x.
    min_var : floor on every variance (noise-free pixels would otherwise collapse).

    Returns
    -------
    (PixelMixtures after the frame, k (H, W) the matched component or -1).
    """
    alpha = _check_rate(alpha, "alpha")
    x = as_float_array(x, "x")
    k = match_component(m, x, n_sigma)  # S
    M = np.arange(m.K) == k[..., None]  # S + (K,) one-hot; all False when unmatched
    w = (1 - alpha) * m.w + alpha * M
    rho = np.minimum(1.0, alpha / np.maximum(w, alpha))
    mu, var = running_gaussian_update(m.mu, m.var, x[..., None], rho)
    var = np.maximum(np.where(M, var, m.var), min_var)
    updated = PixelMixtures(w, np.where(M, mu, m.mu), var)
    return _replace_weakest(updated, x, k < 0, init_var, init_weight), k


def stauffer_grimson(frames, K: int = 3, alpha: float = 0.01, T: float = 0.7, n_sigma: float = 2.5,
                     init_var: float = 400.0, min_var: float = 4.0) -> np.ndarray:
    r"""Foreground_t = [x_t matches no background component of the model built from frames < t]; (T, H, W).

    Notes
    -----
    Each frame is judged by the model of the past, then taught to it. Frame 0 has no
    past and is all background. Frame t learns at rate max(alpha, 1/(t+1)): while the
    model has seen fewer than 1/alpha frames it averages them all (the running mean),
    so it is usable after a few frames instead of after ~1/alpha (KaewTraKulPong &
    Bowden 2001). notebooks/10.
    """
    frames = _check_frames(frames)
    T = _check_rate(T, "T")
    m = init_pixel_mixtures(frames[0], K, init_var)
    foreground = np.zeros(frames.shape, dtype=bool)  # (T, H, W)
    for t in range(1, len(frames)):
        is_bg = background_components(m, T)  # (H, W, K)
        m, k = stauffer_grimson_step(m, frames[t], max(alpha, 1 / (t + 1)), n_sigma, init_var, min_var=min_var)
        foreground[t] = (k < 0) | ~np.take_along_axis(is_bg, np.maximum(k, 0)[..., None], axis=-1)[..., 0]
    return foreground


def running_gaussian_foreground(frames, alpha: float = 0.01, n_sigma: float = 2.5, init_var: float = 400.0,
                                min_var: float = 4.0) -> np.ndarray:
    r"""Foreground_t = [|x_t - mu_{t-1}| > n_sigma sigma_{t-1}], one running Gaussian per pixel; (T, H, W).

    Notes
    -----
    Every frame updates the Gaussian (rho = alpha), foreground or not: the single-Gaussian
    baseline of notebooks/10.
    """
    frames = _check_frames(frames)
    alpha = _check_rate(alpha, "alpha")
    mean, var = frames[0], np.full(frames.shape[1:], check_positive(init_var, "init_var"))
    foreground = np.zeros(frames.shape, dtype=bool)  # (T, H, W)
    for t in range(1, len(frames)):
        foreground[t] = (frames[t] - mean) ** 2 > n_sigma**2 * var
        mean, var = running_gaussian_update(mean, var, frames[t], alpha)
        var = np.maximum(var, min_var)
    return foreground


def frame_difference(frames, threshold: float = 25.0) -> np.ndarray:
    r"""Foreground_t = [|x_t - x_{t-1}| > threshold]; (T, H, W), frame 0 all background."""
    frames = _check_frames(frames)
    threshold = check_positive(threshold, "threshold")
    foreground = np.zeros(frames.shape, dtype=bool)
    foreground[1:] = np.abs(np.diff(frames, axis=0)) > threshold
    return foreground


def precision_recall_f1(predicted, truth, axis=None):
    r"""precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 P R / (P + R), from boolean masks.

    Parameters
    ----------
    predicted, truth : boolean arrays of the same shape (True = foreground).
    axis : None pools every pixel; e.g. (1, 2) gives one score per frame of a (T, H, W) stack.

    Returns
    -------
    (precision, recall, f1): floats, or arrays when ``axis`` keeps some dimensions.
    An undefined ratio (0 / 0: nothing predicted, or nothing to find) is returned as NaN.
    """
    predicted, truth = np.asarray(predicted), np.asarray(truth)
    if predicted.shape != truth.shape:
        raise ValueError(f"predicted has shape {predicted.shape} but truth has shape {truth.shape}")
    if predicted.dtype != bool or truth.dtype != bool:
        raise TypeError("predicted and truth must be boolean masks (True = foreground)")
    tp = np.sum(predicted & truth, axis=axis).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / np.sum(predicted, axis=axis)
        recall = tp / np.sum(truth, axis=axis)
        f1 = 2 * tp / (np.sum(predicted, axis=axis) + np.sum(truth, axis=axis))
    return precision, recall, f1
