"""Channel images: loading PNG/JPEG with Pillow and Shadertoy's sampler settings.

A :class:`Channel` holds texels as float32 RGBA in *texture order*: row 0 is texture coordinate v = 0,
which is the bottom of the picture when ``vflip`` is true (Shadertoy's default for textures) and the top of
the file when it is false. Both backends upload or sample exactly this array.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError

FILTERS = ("nearest", "linear", "mipmap")
WRAPS = ("repeat", "clamp")


@dataclass
class Channel:
    """An image bound to an iChannel, with how it is sampled."""

    data: np.ndarray  # (H, W, 4) float32 in [0, 1], texture order (row 0 is v = 0)
    filter: str = "mipmap"
    wrap: str = "repeat"
    vflip: bool = True
    source: str = "<array>"

    def __post_init__(self) -> None:
        if self.filter not in FILTERS:
            raise InputError(f"unknown filter {self.filter!r}; use one of {', '.join(FILTERS)}")
        if self.wrap not in WRAPS:
            raise InputError(f"unknown wrap {self.wrap!r}; use one of {', '.join(WRAPS)}")
        a = np.asarray(self.data, dtype=np.float32)
        if a.ndim != 3 or a.shape[2] != 4:
            raise InputError(f"{self.source}: channel data must be (H, W, 4), got {a.shape}")
        self.data = np.ascontiguousarray(a)

    @property
    def width(self) -> int:
        return int(self.data.shape[1])

    @property
    def height(self) -> int:
        return int(self.data.shape[0])

    @classmethod
    def from_image(cls, picture: np.ndarray, *, filter: str = "mipmap", wrap: str = "repeat", vflip: bool = True,
                   source: str = "<array>") -> Channel:
        """From a top-down picture array (H, W, C) of uint8 or floats in [0, 1], C in 1..4."""
        a = np.asarray(picture)
        if a.ndim == 2:
            a = a[:, :, None]
        if a.ndim != 3 or not 1 <= a.shape[2] <= 4:
            raise InputError(f"{source}: image must be (H, W, C) with C in 1..4, got {a.shape}")
        a = a.astype(np.float32) / 255.0 if a.dtype == np.uint8 else a.astype(np.float32)
        c = a.shape[2]
        if c == 1:
            a = np.concatenate([a, a, a, np.ones_like(a)], axis=2)
        elif c == 2:  # luminance + alpha
            a = np.concatenate([a[:, :, :1]] * 3 + [a[:, :, 1:2]], axis=2)
        elif c == 3:
            a = np.concatenate([a, np.ones_like(a[:, :, :1])], axis=2)
        if vflip:
            a = a[::-1]
        return cls(a, filter=filter, wrap=wrap, vflip=vflip, source=source)


def load_image(path: str | Path) -> np.ndarray:
    """A top-down uint8 RGBA array from a PNG/JPEG/... file; InputError when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such image file")
    try:
        with Image.open(p) as im:
            im.load()
            return np.asarray(im.convert("RGBA"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise InputError(f"{p}: cannot read image: {e}") from None


def load_channel(path: str | Path, *, filter: str = "mipmap", wrap: str = "repeat", vflip: bool = True) -> Channel:
    """An image file as a channel with the given sampler settings."""
    return Channel.from_image(load_image(path), filter=filter, wrap=wrap, vflip=vflip, source=str(path))


def parse_channel_arg(arg: str, defaults: dict[str, object] | None = None) -> Channel:
    """``PATH[,filter=nearest|linear|mipmap][,wrap=repeat|clamp][,vflip=true|false]`` as a channel."""
    path, *opts = arg.split(",")
    settings: dict[str, object] = {"filter": "mipmap", "wrap": "repeat", "vflip": True}
    settings.update(defaults or {})
    for opt in opts:
        key, eq, value = opt.partition("=")
        key, value = key.strip().lower(), value.strip().lower()
        if not eq or key not in settings:
            raise InputError(f"bad channel option {opt!r} in {arg!r}; use filter=, wrap= or vflip=")
        if key == "vflip":
            if value not in ("true", "false", "1", "0"):
                raise InputError(f"vflip takes true or false, not {value!r}")
            settings[key] = value in ("true", "1")
        else:
            settings[key] = value
    return load_channel(path, filter=str(settings["filter"]), wrap=str(settings["wrap"]), vflip=bool(settings["vflip"]))
