"""The Taichi back end at run time: one Taichi runtime per process, compiled shader modules, launches.

:func:`compile_taichi` runs the front end and the code generator, writes the module to the cache folder
(Taichi reads kernel source through ``inspect``, so modules must be real files), imports it, and returns a
:class:`TaichiShader` whose :meth:`~TaichiShader.render` takes the same :class:`RenderInputs` as the
reference and returns (F, H, W, 4) float32 top-down frames. Compiled shaders are cached by source hash
(in the process, and the module files on disk).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from ..sources import ShaderSource
from .inputs import RenderInputs, pack_uniforms

ARCHES = ("auto", "cpu", "vulkan", "cuda")
_state: dict[str, Any] = {"arch": None}
_cache: dict[tuple[str, str], TaichiShader] = {}


def cache_dir() -> Path:
    """Where generated modules live: $GLSLC_CACHE or ~/.cache/glslc."""
    base = os.environ.get("GLSLC_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "glslc")
    p = Path(base) / "modules"
    p.mkdir(parents=True, exist_ok=True)
    return p


def gpu_present() -> bool:
    """Whether this machine shows a GPU to user space (a DRM render node or an NVIDIA device). Without one,
    Vulkan can only be Mesa's lavapipe, which runs on the CPU slower than the cpu arch's lane kernels
    (docs/lanes.md), so ``auto`` skips it."""
    import glob
    import sys as _sys

    if not _sys.platform.startswith("linux"):
        return True  # no cheap test elsewhere: let Taichi try
    return bool(glob.glob("/dev/dri/renderD*") or glob.glob("/dev/nvidia[0-9]*"))


def init(arch: str = "cpu") -> str:
    """Start Taichi once for this process on ``arch`` (auto: cuda, then vulkan when a GPU is present, then cpu;
    never ti.gpu, which probes OpenGL and crashes on headless machines). Returns the arch that runs."""
    if arch not in ARCHES:
        raise ValueError(f"unknown arch {arch!r}; choose one of {', '.join(ARCHES)}")
    if _state["arch"] is not None:
        if arch not in ("auto", _state["arch"]):
            raise RuntimeError(f"Taichi already runs on {_state['arch']} in this process; cannot switch to {arch}")
        return _state["arch"]
    import taichi as ti

    auto = [ti.cuda, ti.vulkan, ti.cpu] if gpu_present() else [ti.cuda, ti.cpu]
    wanted = {"auto": auto, "cpu": ti.cpu, "vulkan": ti.vulkan, "cuda": ti.cuda}[arch]
    options: dict[str, Any] = dict(default_fp=ti.f32, default_ip=ti.i32, fast_math=False, log_level=ti.ERROR,
                                   offline_cache=True, offline_cache_file_path=str(cache_dir().parent / "taichi"))
    extra = os.environ.get("GLSLC_TI_OPTIONS")  # e.g. "opt_level=1,advanced_optimization=0" (experiments)
    for item in filter(None, (extra or "").split(",")):
        key, _, value = item.partition("=")
        options[key.strip()] = int(value) if value.strip().lstrip("-").isdigit() else value.strip()
    with contextlib.redirect_stdout(io.StringIO()):  # "[Taichi] Starting on arch=..." is ours to report
        ti.init(arch=wanted, **options)
    ran = ti.lang.impl.current_cfg().arch
    name = {ti.x64: "cpu", ti.arm64: "cpu", ti.vulkan: "vulkan", ti.cuda: "cuda"}.get(ran, str(ran))
    if arch in ("vulkan", "cuda") and name != arch:
        raise RuntimeError(f"Taichi could not start on {arch} (it fell back to {name})")
    _state["arch"] = name
    return name


def current_arch() -> str | None:
    return _state["arch"]


def generate(source: ShaderSource) -> str:
    """The Python module text for a shader (front end + code generator); GlslErrors on errors."""
    from ..emit import emit_module
    from ..errors import GlslError, GlslErrors
    from ..frontend import front_end, map_error

    fe = front_end(source)
    try:
        return emit_module(fe)
    except GlslError as e:
        raise GlslErrors([map_error(e, fe.wrapped, source.filename)]) from None


def _import(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class TaichiShader:
    """A shader compiled to a Taichi module, ready to render."""

    source: ShaderSource
    module: ModuleType
    path: Path
    arch: str
    generate_seconds: float
    compile_seconds: float | None = None  # set by the first render (Taichi compiles lazily)
    _slots: dict | None = None
    _scratch: Any = None

    def _slot(self, index: int, channel):
        """The texture slot of a channel: reused (updated in place) while the image's sampler settings and
        size allow, so that a new image of the same kind does not recompile the kernel."""
        from . import textures as T

        if channel is None:
            return _unbound_slot()
        if self._slots is None:
            self._slots = {}
        slot = self._slots.get(index)
        if slot is not None and slot.filter == channel.filter and slot.wrap == channel.wrap and slot.fits(channel):
            if getattr(slot, "_channel", None) is not channel:
                T.update_slot(slot, channel)
                slot._channel = channel
            return slot
        slot = T.make_slot(channel)
        slot._channel = channel
        self._slots[index] = slot
        return slot

    def render(self, inputs: RenderInputs) -> np.ndarray:
        """Every frame of ``inputs`` in one launch: (F, H, W, 4) float32, top-down."""
        with _compile_effort(getattr(self.module, "KERNEL_SIZE", 0)):
            if self.compile_seconds is not None:
                return self._render(inputs)
            try:  # the first launch compiles: a failure there is Taichi's, reported as a diagnostic
                return self._render(inputs)
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as e:  # noqa: BLE001
                raise _compile_failure(self.source, e) from None

    def _render(self, inputs: RenderInputs) -> np.ndarray:
        import taichi as ti

        u = pack_uniforms(inputs, self.module.UNIFORMS)
        out = np.zeros((len(inputs.frames), inputs.height, inputs.width, 4), dtype=np.float32)
        slots = [self._slot(c, inputs.channels[c] if 0 <= c < len(inputs.channels) else None)
                 for c in self.module.CHANNELS]
        t0 = time.perf_counter()
        nslots = getattr(self.module, "DERIVATIVE_SLOTS", 0)
        mip = any(s.bound and s.filter == "mipmap" for s in slots)
        if nslots and (self.module.DERIVATIVE_CALLS or mip):
            shape = (len(inputs.frames), inputs.height, scratch_width(inputs.width), nslots)
            if self._scratch is None or self._scratch.shape != shape:
                self._scratch = ti.ndarray(ti.f32, shape)
            self.module.render(out, u, inputs.width, inputs.height, *slots, self._scratch, 0)  # record
            self.module.render(out, u, inputs.width, inputs.height, *slots, self._scratch, 1)  # replay
        elif nslots:  # texture() sites only, on channels without mipmaps: one pass, no derivatives needed
            if self._scratch is None or self._scratch.shape != (1, 1, 1, nslots):
                self._scratch = ti.ndarray(ti.f32, (1, 1, 1, nslots))
            self.module.render(out, u, inputs.width, inputs.height, *slots, self._scratch, 1)
        else:
            self.module.render(out, u, inputs.width, inputs.height, *slots)
        ti.sync()
        if self.compile_seconds is None:
            self.compile_seconds = time.perf_counter() - t0
        return out


def scratch_width(width: int) -> int:
    """Columns of the derivative scratch array: the image's, rounded up to whole lane groups (a lane kernel's
    lanes past the right edge record there, harmlessly)."""
    from .lanes import LANES

    return -(-width // LANES) * LANES


def _compile_failure(source: ShaderSource, e: Exception):
    """A Taichi error while compiling a generated kernel, as a one-line diagnostic on the shader: the last
    line of Taichi's message names the cause (its earlier lines point into the generated module)."""
    from ..errors import GlslError, Span

    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip() and not set(ln.strip()) <= {"^", "~"}]
    cause = lines[-1] if lines else ""
    cause = cause if len(cause) <= 300 else cause[:297] + "..."
    return GlslError(f"Taichi could not compile the generated kernel ({type(e).__name__}: {cause}); "
                     "please report this shader", Span(source.filename, 1, 1))


#: Kernels at least this big (glslc.lower.inline_plan's weighted size) compile without Taichi's advanced
#: optimization passes: 3-4x faster compiles of raymarchers (7.5 s -> 1.9 s) for a render time within noise
#: (measured: docs/backend.md). Small kernels compile fast either way and keep the full optimizer.
LOW_EFFORT_SIZE = int(os.environ.get("GLSLC_LOW_EFFORT_SIZE", "1500"))


@contextlib.contextmanager
def _compile_effort(kernel_size: int):
    """Taichi reads its compile config when a kernel compiles (at its first launch): set it for this one."""
    import taichi as ti

    cfg = ti.lang.impl.current_cfg()
    low = kernel_size >= LOW_EFFORT_SIZE
    saved = cfg.advanced_optimization
    cfg.advanced_optimization = saved and not low
    try:
        yield
    finally:
        cfg.advanced_optimization = saved


_UNBOUND: list = []


def _unbound_slot():
    from . import textures as T

    if not _UNBOUND:
        _UNBOUND.append(T.make_slot(None))
    return _UNBOUND[0]


def compile_taichi(source: ShaderSource, arch: str = "cpu") -> TaichiShader:
    """Compile (or fetch from the process cache) a shader for the Taichi back end."""
    ran = init(arch)
    t0 = time.perf_counter()
    text = generate(source)
    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    key = (digest, ran)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    path = cache_dir() / f"glslc_{digest}.py"
    if not path.exists() or path.read_text() != text:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    module = _import(path, f"glslc_generated_{digest}")
    shader = TaichiShader(source, module, path, ran, time.perf_counter() - t0)
    _cache[key] = shader
    return shader


def render_taichi(source: ShaderSource, inputs: RenderInputs, arch: str = "cpu") -> np.ndarray:
    return compile_taichi(source, arch).render(inputs)
