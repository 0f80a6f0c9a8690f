"""Writing rendered frames: PNG (8-bit, quantized as CONFORMANCE.md does) or .npy (float32)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from ..errors import InputError


def to_uint8(frame: np.ndarray) -> np.ndarray:
    """RGB of a float frame as 8-bit: NaN -> 0, clamp to [0, 1], round(255 * v)."""
    rgb = np.nan_to_num(np.asarray(frame, dtype=np.float32)[..., :3], nan=0.0, posinf=1.0, neginf=0.0)
    return np.round(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint8)


def frame_paths(output: str | Path, count: int) -> list[Path]:
    """Output file names for ``count`` frames: the name itself for one frame; for several, ``{i}``
    in the name is replaced by the frame index, or ``_0000``, ``_0001``... is inserted before the suffix."""
    out = Path(output)
    if count == 1 and "{i}" not in out.name:
        return [out]
    if "{i" in out.name:
        try:
            return [out.with_name(out.name.format(i=i)) for i in range(count)]
        except (KeyError, ValueError, IndexError) as e:
            raise InputError(f"bad output pattern {out.name!r}: {e}") from None
    return [out.with_name(f"{out.stem}_{i:04d}{out.suffix}") for i in range(count)]


def atomic_write(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{folder}: output folder does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"{path}: cannot write: {e.strerror or e}") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save_frames(frames: np.ndarray, output: str | Path, *, single: bool = False) -> list[Path]:
    """Save (F, H, W, 4) float32 frames. ``.npy``: one file holding (F, H, W, 4), or (H, W, 4) when
    ``single``; any other suffix: one 8-bit RGB image per frame (format from the suffix, via Pillow)."""
    from PIL import Image

    out = Path(output)
    if out.suffix.lower() == ".npy":
        arr = frames[0] if single else frames
        atomic_write(out, lambda fh: np.save(fh, arr.astype(np.float32)))
        return [out]
    fmt = Image.registered_extensions().get(out.suffix.lower())
    if fmt is None:
        raise InputError(f"{out}: unknown image type {out.suffix!r}; use .png, .jpg or .npy")
    paths = frame_paths(out, len(frames))
    for frame, p in zip(frames, paths, strict=True):
        img = Image.fromarray(to_uint8(frame), "RGB")
        atomic_write(p, lambda fh, img=img: img.save(fh, format=fmt))
    return paths
