"""The input model: per-frame uniform values and channel bindings, shared by every backend.

:func:`make_frames` builds the values of CONFORMANCE.md (iFrame = round(60 * iTime), iDate =
(2021, 10, 3, 43200 + iTime), ...) for a list of times; :func:`uniform_values` turns one frame plus the
bound channels into values keyed by *role* (see :mod:`glslc.uniforms`), which each backend maps onto the
uniforms a shader declares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..uniforms import KNOWN_UNIFORM_ROLES
from .channels import Channel

FRAME_RATE = 60.0
DEFAULT_DATE = (2021.0, 10.0, 3.0, 43200.0)  # year, month (0-based, as Shadertoy), day, seconds


@dataclass(frozen=True)
class FrameInputs:
    """The values that change per frame."""

    time: float = 0.0
    frame: int = 0
    time_delta: float = 1.0 / FRAME_RATE
    frame_rate: float = FRAME_RATE
    mouse: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    date: tuple[float, float, float, float] = DEFAULT_DATE
    sample_rate: float = 44100.0


def make_frames(
    times: Sequence[float],
    *,
    frame: int | None = None,
    mouse: Sequence[float] | None = None,
    date: Sequence[float] | None = None,
) -> list[FrameInputs]:
    """One :class:`FrameInputs` per time, as CONFORMANCE.md sets them.

    ``frame`` overrides iFrame for every time; ``date`` gives (year, month, day) or all four iDate
    components (seconds then advance with iTime from the given value).
    """
    if not times:
        raise ValueError("at least one time is needed")
    m = tuple(float(v) for v in (mouse or (0, 0, 0, 0)))
    if len(m) == 2:
        m = (m[0], m[1], 0.0, 0.0)
    if len(m) != 4:
        raise ValueError("mouse takes 2 or 4 numbers: x,y[,z,w]")
    d = tuple(float(v) for v in (date or DEFAULT_DATE[:3]))
    if len(d) == 3:
        d = d + (DEFAULT_DATE[3],)
    if len(d) != 4:
        raise ValueError("date takes 3 or 4 numbers: year,month,day[,seconds]")
    out = []
    for t in times:
        t = float(t)
        if not np.isfinite(t):
            raise ValueError(f"time must be a finite number, not {t}")
        out.append(
            FrameInputs(
                time=t,
                frame=int(frame) if frame is not None else int(round(FRAME_RATE * t)),
                mouse=m,  # type: ignore[arg-type]
                date=(d[0], d[1], d[2], d[3] + t),
            )
        )
    return out


@dataclass
class RenderInputs:
    """Everything a render needs besides the shader: size, frames and bound channels."""

    width: int
    height: int
    frames: list[FrameInputs]
    channels: list[Channel | None] = field(default_factory=lambda: [None] * 4)

    def __post_init__(self) -> None:
        if not (1 <= self.width <= 16384 and 1 <= self.height <= 16384):
            raise ValueError(f"size {self.width}x{self.height} is out of range (1..16384)")
        self.channels = (list(self.channels) + [None] * 4)[:4]

    @classmethod
    def conformance(cls, width: int = 128, height: int = 128, times: Sequence[float] = (1.0, 4.7)) -> RenderInputs:
        """The inputs of a corpus check (CONFORMANCE.md): 128x128, iTime 1.0 and 4.7, channels unbound."""
        return cls(width, height, make_frames(times))

    def with_times(self, times: Sequence[float]) -> RenderInputs:
        return replace(self, frames=make_frames(times))


def uniform_values(inputs: RenderInputs, frame: FrameInputs) -> dict[str, object]:
    """Values by role for one frame (roles as in :data:`glslc.uniforms.KNOWN_UNIFORM_ROLES`)."""
    w, h = float(inputs.width), float(inputs.height)
    chan_res = []
    for ch in inputs.channels:
        chan_res.append((float(ch.width), float(ch.height), 1.0) if ch is not None else (0.0, 0.0, 0.0))
    mx, my = frame.mouse[0], frame.mouse[1]
    return {
        "resolution3": (w, h, 1.0),
        "resolution2": (w, h),
        "time": frame.time,
        "time_delta": frame.time_delta,
        "frame_rate": frame.frame_rate,
        "frame": frame.frame,
        "frame_float": float(frame.frame),
        "channel_time": (frame.time,) * 4,
        "channel_resolution": tuple(chan_res),
        "mouse": frame.mouse,
        "mouse2": (mx, my),
        "mouse2_normalized": (mx / w, my / h),
        "date": frame.date,
        "sample_rate": frame.sample_rate,
        "sound": 0.0,
    }


def role_of(name: str, extra: dict[str, str] | None = None) -> str | None:
    """The role that feeds a uniform of this name, if the input model knows it."""
    if extra and name in extra:
        return extra[name]
    return KNOWN_UNIFORM_ROLES.get(name)


def pack_uniforms(inputs: RenderInputs, layout: dict) -> np.ndarray:
    """Per-frame uniform values as one float32 row per frame, at the offsets of a generated module's
    ``UNIFORMS`` layout (``{"size", "offsets", "sizes"}`` by role)."""
    u = np.zeros((len(inputs.frames), max(1, int(layout["size"]))), dtype=np.float32)
    for k, frame in enumerate(inputs.frames):
        values = uniform_values(inputs, frame)
        for role, off in layout["offsets"].items():
            v = values.get(role)
            if v is None:
                continue
            flat = np.asarray(v, dtype=np.float64).ravel()[: layout["sizes"][role]]
            u[k, off: off + len(flat)] = flat
    return u
