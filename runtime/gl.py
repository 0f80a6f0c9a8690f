"""The reference renderer: moderngl on a standalone EGL context (Mesa llvmpipe where there is no GPU).

It draws the wrapped shader (see :meth:`glslc.sources.ShaderSource.wrap`) over a float32 RGBA target
cleared to (0, 0, 0, 0), one draw per frame, and returns top-down float32 arrays of shape (F, H, W, 4).
Compile errors become :class:`~glslc.errors.GlslError` pointing at the user's line.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import GlslError, GlslErrors, Span
from ..sources import ShaderSource, Wrapped
from .channels import Channel
from .inputs import RenderInputs, role_of, uniform_values


class GLUnavailable(RuntimeError):
    """No OpenGL context could be created on this machine."""


_UNBOUND_UNIT_BASE = 16  # texture units never bound: unbound channels read (0, 0, 0, 1) on Mesa
_context = None


def gl_context():
    """The process's one standalone EGL context (created on first use)."""
    global _context
    if _context is None:
        try:
            import moderngl
        except ImportError as e:  # pragma: no cover - a dependency
            raise GLUnavailable(f"moderngl is not installed ({e}); use --backend taichi") from None
        errors = []
        for kwargs in ({"backend": "egl"}, {}):
            try:
                _context = moderngl.create_standalone_context(require=330, **kwargs)
                break
            except Exception as e:  # noqa: BLE001 - moderngl/glcontext raise plain Exceptions
                first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                errors.append(f"{kwargs.get('backend', 'default')}: {first}")
        if _context is None:
            raise GLUnavailable(
                "no OpenGL 3.3 context could be created (" + "; ".join(errors) + "). "
                "Install Mesa's EGL (libegl1, libgl1-mesa-dri) or render with --backend taichi, "
                "which needs no OpenGL."
            )
    return _context


def gl_info() -> dict[str, str]:
    """Renderer, version and vendor of the reference context."""
    ctx = gl_context()
    return {k: str(ctx.info.get(k, "")) for k in ("GL_RENDERER", "GL_VERSION", "GL_VENDOR")}


_MESA_LOG_RE = re.compile(r"^\s*(\d+):(\d+)\((\d+)\):\s*(error|warning):\s*(.*)$")


def _compile_errors(log: str, wrapped: Wrapped, filename: str) -> GlslErrors:
    errors = []
    for line in log.splitlines():
        m = _MESA_LOG_RE.match(line)
        if not m or m.group(4) != "error":
            continue
        wl, col, msg = int(m.group(2)), int(m.group(3)), m.group(5).strip()
        ul = wrapped.user_line(wl)
        if ul is None:
            span = Span(filename, max(1, wrapped.user_lines), 1)
            errors.append(GlslError(f"{msg} (in the wrapper, line {wl})", span))
        else:
            errors.append(GlslError(msg, Span(filename, ul, max(1, col))))
    if not errors:
        text = " ".join(log.split())[:500] or "unknown error"
        errors.append(GlslError(f"the OpenGL compiler rejected the shader: {text}", Span(filename, 1, 1)))
    return GlslErrors(errors)


def _highp_text(wrapped: Wrapped) -> str:
    """The wrapped text with every float at 32 bits, as desktop GPUs (and the Taichi back end) compute.

    Mesa's llvmpipe runs ``mediump``/``lowp`` maths at 16 bits, which desktop GPUs (where the corpus was
    made) and Taichi do not. The precision qualifiers are defined away, and in GLSL ES 1.00, where the
    built-in ``gl_FragCoord`` is itself mediump, the shader reads a highp copy made by a wrapping ``main``.
    ``#line`` keeps the diagnostics' line numbers those of the text without the shim.
    """
    first, nl, rest = wrapped.text.partition("\n")
    if not first.lstrip().startswith("#"):  # no #version line: cannot happen for wrapped sources
        return wrapped.text
    shim = ["#define mediump highp", "#define lowp highp"]
    tail = ""
    if wrapped.version.split()[0] == "100":
        shim += ["highp vec4 glslc_FragCoord;", "#define gl_FragCoord glslc_FragCoord", "#define main glslc_main"]
        tail = ("\n#undef main\n#undef gl_FragCoord\n"
                "void main() { glslc_FragCoord = gl_FragCoord; glslc_main(); }\n")
    return first + nl + "\n".join(shim) + "\n#line 2\n" + rest + tail


def _vertex_shader(version: str) -> str:
    v = version.split()
    es = "es" in v
    num = int(v[0]) if v and v[0].isdigit() else 100
    if num < 130 and not es or num == 100:
        decl = "attribute"
    else:
        decl = "in"
    return f"#version {version}\n{decl} vec2 glslc_pos;\nvoid main() {{ gl_Position = vec4(glslc_pos, 0.0, 1.0); }}\n"


@dataclass
class GLProgram:
    """A compiled reference program for one shader source."""

    source: ShaderSource
    wrapped: Wrapped
    program: object
    vao: object
    compile_seconds: float
    extra_roles: dict[str, str] = field(default_factory=dict)
    _textures: dict = field(default_factory=dict)

    def render(self, inputs: RenderInputs) -> np.ndarray:
        """Draw every frame of ``inputs``; returns (F, H, W, 4) float32, top-down."""
        import moderngl

        ctx = gl_context()
        w, h = inputs.width, inputs.height
        fbo = _framebuffer(ctx, w, h)
        fbo.use()
        ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        self._bind_channels(ctx, inputs.channels)
        out = np.empty((len(inputs.frames), h, w, 4), dtype=np.float32)
        for k, frame in enumerate(inputs.frames):
            values = uniform_values(inputs, frame)
            for name in self.program:  # type: ignore[attr-defined]
                member = self.program[name]  # type: ignore[index]
                if not isinstance(member, moderngl.Uniform):
                    continue
                role = role_of(name.split("[")[0], self.extra_roles)
                if role == "backbuffer":  # TwiGL's previous frame: none yet, reads as unbound
                    member.value = _UNBOUND_UNIT_BASE + 4
                elif role is not None and role in values:
                    _set_uniform(member, values[role])
            fbo.clear(0.0, 0.0, 0.0, 0.0)
            self.vao.render(moderngl.TRIANGLES)  # type: ignore[attr-defined]
            data = fbo.read(components=4, dtype="f4")
            out[k] = np.frombuffer(data, dtype=np.float32).reshape(h, w, 4)[::-1]
        ctx.finish()
        return out

    def _bind_channels(self, ctx, channels: list[Channel | None]) -> None:
        import moderngl

        for i in range(4):
            name = f"iChannel{i}"
            ch = channels[i] if i < len(channels) else None
            member = self.program.get(name, None)  # type: ignore[attr-defined]
            if not isinstance(member, moderngl.Uniform):
                continue
            if ch is None:
                member.value = _UNBOUND_UNIT_BASE + i
                continue
            tex = self._textures.get(id(ch))
            if tex is None:
                tex = _make_texture(ctx, ch)
                self._textures[id(ch)] = tex
            tex.use(location=i)
            member.value = i

    def release(self) -> None:
        for tex in self._textures.values():
            tex.release()
        self._textures.clear()
        self.vao.release()  # type: ignore[attr-defined]
        self.program.release()  # type: ignore[attr-defined]


def _make_texture(ctx, ch: Channel):
    import moderngl

    tex = ctx.texture((ch.width, ch.height), 4, data=ch.data.tobytes(), dtype="f4")
    if ch.filter == "nearest":
        tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
    elif ch.filter == "linear":
        tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
    else:
        tex.build_mipmaps()
        tex.filter = (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)
    tex.repeat_x = tex.repeat_y = ch.wrap == "repeat"
    return tex


_fbos: dict[tuple[int, int], object] = {}


def _framebuffer(ctx, w: int, h: int):
    fbo = _fbos.get((w, h))
    if fbo is None:
        if len(_fbos) > 8:
            for old in _fbos.values():
                old.release()  # type: ignore[attr-defined]
            _fbos.clear()
        rb = ctx.renderbuffer((w, h), components=4, dtype="f4")
        fbo = ctx.framebuffer(color_attachments=[rb])
        _fbos[(w, h)] = fbo
    return fbo


def _set_uniform(member, value) -> None:
    """Write a value, fitting it to the uniform's declared vector size and array length."""
    dim, n = member.dimension, member.array_length
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):  # an array of vectors
        items = [_fit(v, dim) for v in value[:n]]
        items += [_fit((), dim)] * (n - len(items))
    elif n > 1:  # an array of scalars
        scalars = list(value) if isinstance(value, tuple) else [value] * n
        items = [_fit((v,), dim) for v in (scalars + [0.0] * n)[:n]]
    else:
        items = [_fit(value if isinstance(value, tuple) else (value,), dim)]
    values = [v[0] if dim == 1 else tuple(v) for v in items]
    member.value = values[0] if n == 1 else values


def _fit(v: tuple, dim: int) -> list:
    return (list(v) + [0.0] * dim)[:dim]


def compile_gl(source: ShaderSource) -> GLProgram:
    """Compile a source for the reference renderer; GlslErrors on compile errors."""
    import moderngl

    ctx = gl_context()
    wrapped = source.wrap()
    t0 = time.perf_counter()
    try:
        program = ctx.program(vertex_shader=_vertex_shader(wrapped.version), fragment_shader=_highp_text(wrapped))
    except moderngl.Error as e:
        raise _compile_errors(str(e), wrapped, source.filename) from None
    vbo = ctx.buffer(np.array([-1.0, -1.0, 3.0, -1.0, -1.0, 3.0], dtype="f4").tobytes())
    vao = ctx.vertex_array(program, [(vbo, "2f", "glslc_pos")])
    extra = {}
    if source.dialect == "twigl":
        from ..twigl import uniforms_for_mode

        roles = {"resolution": "resolution2", "mouse": "mouse2_normalized", "time": "time",
                 "frame": "frame_float", "sound": "sound", "backbuffer": "backbuffer"}
        mode_uniforms = uniforms_for_mode(source.twigl_mode or "geekest300")
        extra = {name: roles.get(role, role) for name, role in mode_uniforms.items()}
    return GLProgram(source, wrapped, program, vao, time.perf_counter() - t0, extra)


def render_gl(source: ShaderSource, inputs: RenderInputs) -> np.ndarray:
    """Compile and render in one call: (F, H, W, 4) float32, top-down."""
    prog = compile_gl(source)
    try:
        return prog.render(inputs)
    finally:
        prog.release()
