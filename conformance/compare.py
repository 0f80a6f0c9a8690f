"""The comparison of CONFORMANCE.md: 8-bit RGB, tolerance 3/255 per channel, verdicts per shader."""

from __future__ import annotations

import numpy as np

AGREE, CLOSE, DIVERGE, FAIL, SKIP = "agree", "close", "diverge", "fail", "skip"
TOLERANCE = 3


def quantize(frames: np.ndarray) -> np.ndarray:
    """RGB (alpha ignored), NaN -> 0, clamp to [0, 1], round(255 * v) as int16."""
    rgb = np.nan_to_num(np.asarray(frames, dtype=np.float32)[..., :3], nan=0.0, posinf=1.0, neginf=0.0)
    return np.round(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.int16)


def match_fractions(ours: np.ndarray, ref: np.ndarray) -> list[float]:
    """Per frame, the fraction of pixels whose channels all differ by at most 3 (of 255)."""
    if ours.shape != ref.shape:
        raise ValueError(f"frame shapes differ: {ours.shape} vs {ref.shape}")
    a, b = quantize(ours), quantize(ref)
    ok = (np.abs(a - b).max(axis=-1) <= TOLERANCE)
    if ok.ndim == 2:
        ok = ok[None]
    return [float(f.mean()) for f in ok]


def max_difference(ours: np.ndarray, ref: np.ndarray) -> int:
    return int(np.abs(quantize(ours) - quantize(ref)).max()) if ours.size else 0


def verdict(fractions: list[float] | None, ours_ok: bool = True, ref_ok: bool = True) -> str:
    """agree (every frame >= 99%), close (>= 90%), diverge, fail (ours did not render), skip (ref did not)."""
    if not ref_ok:
        return SKIP
    if not ours_ok or fractions is None:
        return FAIL
    if all(f >= 0.99 for f in fractions):
        return AGREE
    if all(f >= 0.90 for f in fractions):
        return CLOSE
    return DIVERGE


def diff_image(ours: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """A heat map (H, W, 3) uint8 of the largest channel difference of the first frame: black where the
    pixel matches, yellow to red as the difference grows."""
    a, b = quantize(ours), quantize(ref)
    if a.ndim == 4:
        a, b = a[0], b[0]
    d = np.abs(a - b).max(axis=-1).astype(np.float32)
    t = np.clip(d / 64.0, 0.0, 1.0)
    img = np.zeros(d.shape + (3,), np.uint8)
    bad = d > TOLERANCE
    img[..., 0] = np.where(bad, 255, 0)
    img[..., 1] = np.where(bad, np.round(255 * (1 - t)), 0).astype(np.uint8)
    return img
