"""Software texture sampling (glslc.runtime.textures) against the reference: moderngl on Mesa llvmpipe.

Every lookup is rendered twice: by a Taichi kernel over a list of queries and by a fragment shader doing
one lookup per pixel (the query read with texelFetch from float32 textures, the result written to a
float32 target), with the channel bound exactly as the reference renderer binds it.

Run as ``python tests/test_textures.py --worker ARCH OUT.npz`` it renders the vulkan check's queries with
Taichi on ARCH (a fresh process, as ``ti.init`` cannot switch arch in one).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ti = pytest.importorskip("taichi") if __name__ != "__main__" else __import__("taichi")

from glslc.runtime import textures as T  # noqa: E402
from glslc.runtime.channels import Channel, load_channel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT / "shaders" / "textures" / "checker.png"
TOL = 1e-4  # measured: at most ~5e-7 (fp32 rounding); see test_sampling_matches_gl
CONFIGS = [(f, w) for f in ("nearest", "linear", "mipmap") for w in ("repeat", "clamp")]
LODS = (0.0, 0.5, 1.3, 3.0, 7.6, 20.0, 1e10, -0.5, -3.0)  # 7.6: past the last level of 64x64; 1e10: Mesa's level 0

# query modes: the kernel and the GL shader compute the same thing for each
LOD, GRAD, FETCH, SIZE, LEVELS, BIAS, IMPLICIT = range(7)


# ---------------------------------------------------------------------------- Taichi side


@ti.kernel
def _lookups(slot: ti.template(), mode: ti.i32, qa: ti.types.ndarray(dtype=ti.math.vec4, ndim=1),
             qb: ti.types.ndarray(dtype=ti.math.vec4, ndim=1), out: ti.types.ndarray(dtype=ti.math.vec4, ndim=1)):
    for k in range(qa.shape[0]):
        a = qa[k]
        b = qb[k]
        res = ti.Vector([0.0, 0.0, 0.0, 0.0])
        if mode == LOD:
            res = T.texture_lod(slot, a.xy, a.z)
        elif mode == GRAD:
            res = T.texture_grad(slot, a.xy, a.zw, b.xy)
        elif mode == FETCH:
            res = T.texel_fetch(slot, ti.cast(a.xy, ti.i32), ti.cast(a.z, ti.i32))
        elif mode == SIZE:
            s = T.texture_size(slot, ti.cast(a.z, ti.i32))
            res = ti.Vector([ti.cast(s[0], ti.f32), ti.cast(s[1], ti.f32), 0.0, 0.0])
        elif mode == LEVELS:
            res = ti.Vector([1.0, 0.0, 0.0, 0.0]) * ti.cast(T.texture_query_levels(slot), ti.f32)
        elif mode == BIAS:
            res = T.texture_bias(slot, a.xy, a.z, a.w)
        else:
            res = T.texture_grad_bias(slot, a.xy, a.zw, b.xy, b.z)
        out[k] = res


@ti.kernel
def _unbound_lookups(qa: ti.types.ndarray(dtype=ti.math.vec4, ndim=1),
                     out: ti.types.ndarray(dtype=ti.math.vec4, ndim=1)):
    for k in range(qa.shape[0]):
        a = qa[k]
        p = ti.cast(a.xy, ti.i32)
        lod = ti.cast(a.z, ti.i32)
        s = T.unbound_texture_size(lod)
        s3 = T.unbound_texture_size3(lod)
        out[k] = T.unbound_texture() * 1000.0 + T.unbound_texel_fetch(p, lod) * 100.0 + ti.Vector(
            [ti.cast(s[0] + s3[2], ti.f32), ti.cast(s[1], ti.f32), ti.cast(T.unbound_texture_query_levels(), ti.f32),
             0.0])


def taichi_run(slot: T.TextureSlot, mode: int, qa: np.ndarray, qb: np.ndarray | None = None) -> np.ndarray:
    qa = np.ascontiguousarray(qa, dtype=np.float32)
    qb = np.zeros_like(qa) if qb is None else np.ascontiguousarray(qb, dtype=np.float32)
    out = np.zeros_like(qa)
    _lookups(slot, mode, qa, qb, out)
    return out


# ---------------------------------------------------------------------------- GL side

_VS = "{v}\nin vec2 p;\nvoid main() {{ gl_Position = vec4(p, 0.0, 1.0); }}\n"
_FS = """{v}
precision highp float; precision highp int; precision highp sampler2D; precision highp sampler3D;
uniform sampler2D tex; uniform sampler2D qa; uniform sampler2D qb; uniform samplerCube cube; uniform sampler3D vol;
uniform vec2 scale; uniform vec2 offset; uniform float bias;
out vec4 o;
void main() {{
    ivec2 q = ivec2(gl_FragCoord.xy);
    vec4 a = texelFetch(qa, q, 0);
    vec4 b = texelFetch(qb, q, 0);
    {body}
}}
"""
_BODIES = {
    LOD: "o = textureLod(tex, a.xy, a.z);",
    GRAD: "o = textureGrad(tex, a.xy, a.zw, b.xy);",
    FETCH: "o = texelFetch(tex, ivec2(a.xy), int(a.z));",
    SIZE: "o = vec4(vec2(textureSize(tex, int(a.z))), 0.0, 0.0);",
    LEVELS: "o = vec4(float(textureQueryLevels(tex)), 0.0, 0.0, 0.0);",
    BIAS: "o = textureLod(tex, a.xy, a.z + a.w);",
    IMPLICIT: "o = texture(tex, gl_FragCoord.xy * scale + offset, bias);",
    "unbound": """int lod = int(a.z); ivec2 s = textureSize(tex, lod); ivec3 s3 = textureSize(vol, lod);
    vec4 t = textureLod(tex, a.xy, 1.5) + textureGrad(tex, a.xy, vec2(0.1), vec2(0.2)) + texture(cube, vec3(a.xy, 1.0))
        + textureLod(vol, vec3(a.xy, 0.5), 0.0);
    o = t * 250.0 + texelFetch(tex, ivec2(a.xy), lod) * 100.0
        + vec4(float(s.x + s3.z), float(s.y), float(textureQueryLevels(tex)), 0.0);""",
}
_programs: dict = {}
_WIDTH = 64  # queries per framebuffer row


def _program(ctx, mode):
    if mode not in _programs:
        version = "#version 430" if mode in (LEVELS, "unbound") else "#version 300 es"  # textureQueryLevels
        prog = ctx.program(vertex_shader=_VS.format(v=version), fragment_shader=_FS.format(v=version,
                                                                                         body=_BODIES[mode]))
        vbo = ctx.buffer(np.array([-1.0, -1.0, 3.0, -1.0, -1.0, 3.0], dtype="f4").tobytes())
        _programs[mode] = (prog, ctx.vertex_array(prog, [(vbo, "2f", "p")]))
    return _programs[mode]


def gl_run(ctx, channel: Channel | None, mode, qa: np.ndarray, qb: np.ndarray | None = None,
           width: int = _WIDTH, uniforms: dict | None = None) -> np.ndarray:
    """One lookup per pixel: query k at pixel (k % width, k // width); ``channel`` None: unbound."""
    import moderngl

    from glslc.runtime.gl import _make_texture

    n = len(qa)
    h = (n + width - 1) // width

    def grid(q):
        g = np.zeros((width * h, 4), dtype=np.float32)
        if q is not None:
            g[:n] = q
        return g.reshape(h, width, 4)

    prog, vao = _program(ctx, mode)
    made = []
    if channel is not None:
        tex = _make_texture(ctx, channel)
        tex.use(location=0)
        made.append(tex)
    for unit, q in ((1, qa), (2, qb)):
        t = ctx.texture((width, h), 4, data=grid(q).tobytes(), dtype="f4")
        t.filter = (moderngl.NEAREST, moderngl.NEAREST)
        t.use(location=unit)
        made.append(t)
    for name, unit in (("tex", 0 if channel is not None else 16), ("qa", 1), ("qb", 2), ("cube", 17), ("vol", 18)):
        if name in prog:
            prog[name].value = unit
    for name, value in (uniforms or {}).items():
        prog[name].value = value
    rb = ctx.renderbuffer((width, h), components=4, dtype="f4")
    fbo = ctx.framebuffer(color_attachments=[rb])
    fbo.use()
    ctx.disable(moderngl.BLEND)
    fbo.clear(0.0, 0.0, 0.0, 0.0)
    vao.render(moderngl.TRIANGLES)
    out = np.frombuffer(fbo.read(components=4, dtype="f4"), dtype=np.float32).reshape(-1, 4)[:n].copy()
    for obj in made + [fbo, rb]:
        obj.release()
    return out


# ---------------------------------------------------------------------------- queries


def images() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    out = {"5x3": rng.random((3, 5, 4), dtype=np.float32), "8x8": rng.random((8, 8, 4), dtype=np.float32)}
    if CHECKER.exists():
        out["checker"] = load_channel(CHECKER).data
    return out


def uv_points(w: int, h: int, n_random: int, seed: int = 1) -> np.ndarray:
    """Random points in [-1.5, 2.5]^2, texel centres, texel edges, near-0/1 and large coordinates."""
    rng = np.random.default_rng(seed)
    pts = [rng.uniform(-1.5, 2.5, (n_random, 2))]
    for n, axis in ((w, 0), (h, 1)):
        k = np.arange(-1, n + 2)
        other = rng.uniform(0, 1, len(k))
        for vals in ((k + 0.5) / n, k / n):
            p = np.empty((len(k), 2))
            p[:, axis] = vals
            p[:, 1 - axis] = other
            pts.append(p)
    special = np.array([0.0, 1.0, -1e-7, 1e-7, 1 - 1e-7, 1 + 1e-7, -1.0, 2.0, 37.3, -123.4, 1000.3])
    pts.append(np.stack(np.meshgrid(special, special[::-1]), -1).reshape(-1, 2))
    return np.concatenate(pts).astype(np.float32)


def lod_queries(w: int, h: int, n_random: int = 120) -> np.ndarray:
    uv = uv_points(w, h, n_random)
    return np.concatenate([np.column_stack([uv, np.full(len(uv), lod), np.zeros(len(uv))]) for lod in LODS]
                          ).astype(np.float32)


def grad_queries(w: int, h: int, n: int = 600, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Gradients from 2^-9 to 2^2 texture widths per pixel, isotropic and not, and some zero ones."""
    rng = np.random.default_rng(seed)
    uv = uv_points(w, h, n, seed)
    m = len(uv)
    scale = np.exp2(rng.uniform(-9, 2, (m, 1)))
    dx = rng.standard_normal((m, 2)) * scale
    dy = rng.standard_normal((m, 2)) * scale * np.exp2(rng.uniform(-3, 3, (m, 1)))
    dx[:5] = dy[:5] = 0.0
    dx[5:10] = [[1.0 / w, 0.0]] * 5  # exactly one texel: lod 0, and powers of two (exact for fast_log2)
    dy[5:10] = [[0.0, 4.0 / h]] * 5
    qa = np.column_stack([uv, dx]).astype(np.float32)
    qb = np.column_stack([dy, np.zeros((m, 2))]).astype(np.float32)
    return qa, qb


def fetch_queries(w: int, h: int, levels: int) -> np.ndarray:
    q = [(i, j, lod, 0) for lod in range(-1, levels + 1) for j in range(-1, h + 1) for i in range(-1, w + 1)]
    q += [(0, 0, 40, 0), (3, 1, -7, 0), (100000, 0, 0, 0)]
    return np.array(q, dtype=np.float32)


def size_queries(levels: int) -> np.ndarray:
    """Each lod 8 times: llvmpipe takes textureSize's lod from the first pixel of each 4x2 block."""
    lods = list(range(-2, levels + 2))
    return np.repeat(np.array([(0, 0, lod, 0) for lod in lods], dtype=np.float32), 8, axis=0)


@pytest.fixture(scope="session")
def taichi_cpu():
    """Taichi on cpu, once per process: through the back end's ``init`` where it exists (so no other test
    module re-initialises Taichi under our fields), else directly."""
    try:
        from glslc.runtime.taichi_backend import init
    except ImportError:
        init = None
    if init is not None:
        init("cpu")
    elif ti.lang.impl.get_runtime().prog is None:
        ti.init(arch=ti.cpu, log_level=ti.WARN)
    return ti


@pytest.fixture(scope="module")
def slots(taichi_cpu):
    made: dict = {}
    yield lambda name, data, f, w: made.setdefault((name, f, w), T.make_slot(Channel(data, filter=f, wrap=w)))
    for slot in made.values():
        slot.release()


def _assert_close(ours: np.ndarray, ref: np.ndarray, what: str, tol: float = TOL) -> float:
    err = np.abs(ours.astype(np.float64) - ref)
    worst = float(err.max()) if err.size else 0.0
    if worst > tol:
        k = int(np.argmax(err.max(axis=1)))
        raise AssertionError(f"{what}: max |diff| {worst:.3g} at query {k}: ours {ours[k]}, GL {ref[k]}")
    return worst


# ---------------------------------------------------------------------------- tests


def test_mip_chain_matches_glgeneratemipmap(gl):
    rng = np.random.default_rng(3)
    from glslc.runtime.gl import _make_texture

    for w, h in [(5, 3), (8, 8), (7, 7), (1, 9), (13, 11), (64, 64), (33, 17), (100, 3)]:
        data = rng.random((h, w, 4), dtype=np.float32)
        tex = _make_texture(gl, Channel(data, filter="mipmap"))
        try:
            ours = T.mip_chain(data)
            assert len(ours) == int(np.log2(max(w, h))) + 1
            for k, level in enumerate(ours):
                lh, lw = level.shape[:2]
                ref = np.frombuffer(tex.read(level=k), dtype=np.float32).reshape(lh, lw, 4)
                assert np.abs(level - ref).max() <= 1e-5, f"{w}x{h} level {k}"
        finally:
            tex.release()


@pytest.mark.parametrize("name", ["5x3", "8x8", "checker"])
def test_sampling_matches_gl(gl, slots, name):
    data = images().get(name)
    if data is None:
        pytest.skip(f"{CHECKER} missing")
    h, w = data.shape[:2]
    levels = int(np.log2(max(w, h))) + 1
    qa_lod = lod_queries(w, h)
    qa_grad, qb_grad = grad_queries(w, h)
    qa_fetch = fetch_queries(w, h, levels)
    qa_size = size_queries(levels)
    for f, wrap in CONFIGS:
        ch = Channel(data, filter=f, wrap=wrap)
        slot = slots(name, data, f, wrap)
        what = f"{name} {f}/{wrap}"
        _assert_close(taichi_run(slot, LOD, qa_lod), gl_run(gl, ch, LOD, qa_lod), f"{what} textureLod")
        _assert_close(taichi_run(slot, GRAD, qa_grad, qb_grad), gl_run(gl, ch, GRAD, qa_grad, qb_grad),
                      f"{what} textureGrad")
        _assert_close(taichi_run(slot, FETCH, qa_fetch), gl_run(gl, ch, FETCH, qa_fetch), f"{what} texelFetch")
        size_ref = gl_run(gl, ch, SIZE, qa_size, width=4)
        _assert_close(taichi_run(slot, SIZE, qa_size), size_ref, f"{what} textureSize", 0.0)
        one = np.zeros((1, 4), np.float32)
        _assert_close(taichi_run(slot, LEVELS, one), gl_run(gl, ch, LEVELS, one), f"{what} textureQueryLevels", 0.0)


def test_mesa_edge_behaviour(gl, slots):
    """The measured facts the module docstring states, checked on the reference itself."""
    data = images()["8x8"]
    ch = Channel(data, filter="mipmap")
    fetch = gl_run(gl, ch, FETCH, np.array([[8, 0, 0, 0], [-1, 0, 0, 0], [0, 0, 4, 0], [0, 0, 3, 0]], np.float32))
    assert (fetch[:3] == 0).all() and (fetch[3] != 0).any()  # out of range: vec4(0), alpha too
    sizes = gl_run(gl, ch, SIZE, size_queries(4), width=4)[::8, :2]
    assert sizes.tolist() == [[0, 0], [0, 0], [8, 8], [4, 4], [2, 2], [1, 1], [0, 0], [0, 0]]
    lv = T.mip_chain(data)
    q = np.array([[0.3, 0.6, lod, 0] for lod in (1000.0, 2.0**31, np.inf, -np.inf, 1e10, 2.0**30)], np.float32)
    got = gl_run(gl, ch, LOD, q)
    at0 = gl_run(gl, ch, LOD, np.array([[0.3, 0.6, 0.0, 0]], np.float32))[0]
    at_last = lv[-1][0, 0]
    assert np.allclose(got[0], at_last) and np.allclose(got[5], at_last)  # large LODs: the last level
    assert all(np.allclose(got[k], at0) for k in (1, 2, 3, 4))  # >= 2^31 and infinities: level 0
    slot = slots("8x8", data, "mipmap", "repeat")
    _assert_close(taichi_run(slot, LOD, q), got, "huge LODs")


def test_unbound_matches_gl(gl, taichi_cpu):
    qa = np.array([[x, y, lod, 0] for lod in (-1, 0, 1, 2) for x, y in ((0, 0), (1, 0), (0, 1), (-1, 0), (0.7, 0.2))],
                  dtype=np.float32)
    qa = np.repeat(qa, 8, axis=0)  # uniform lod per llvmpipe 4x2 block, as textureSize needs
    ref = gl_run(gl, None, "unbound", qa, width=4)
    ours = np.zeros_like(qa)
    _unbound_lookups(qa, ours)
    _assert_close(ours, ref, "unbound built-ins", 0.0)
    slot = T.make_slot(None)  # the slot form compiles to the same constants
    for mode in (LOD, GRAD, FETCH, SIZE, LEVELS):
        ours = taichi_run(slot, mode, qa)
        if mode in (LOD, GRAD):
            assert (ours == [0, 0, 0, 1]).all()
        elif mode == FETCH:
            ref_fetch = (np.all(np.trunc(qa[:, :3]) == 0, axis=1)[:, None] * np.array([0, 0, 0, 1])).astype(np.float32)
            _assert_close(ours, ref_fetch, "unbound slot texelFetch", 0.0)
        elif mode == SIZE:
            assert (ours[:, 0] == ref[:, 1]).all() and (ours[:, 1] == ref[:, 1]).all()
        else:
            assert (ours[:, 0] == 1).all()


def test_update_slot_in_place_no_recompile(gl, taichi_cpu):
    rng = np.random.default_rng(11)
    a, b = (rng.random((8, 8, 4), dtype=np.float32) for _ in range(2))
    small = rng.random((3, 5, 4), dtype=np.float32)
    slot = T.make_slot(Channel(a, filter="mipmap"), capacity=200)
    try:
        q = lod_queries(8, 8, 40)
        taichi_run(slot, LOD, q)
        compiled = len(_lookups._primal.compiled_kernels)
        for data in (b, small):
            ch = Channel(data, filter="mipmap")
            assert slot.fits(ch)
            T.update_slot(slot, ch)
            h, w = data.shape[:2]
            q = lod_queries(w, h, 40)
            _assert_close(taichi_run(slot, LOD, q), gl_run(gl, ch, LOD, q), f"updated {w}x{h}")
            one = np.zeros((1, 4), np.float32)
            assert taichi_run(slot, LEVELS, one)[0, 0] == int(np.log2(max(w, h))) + 1
        assert len(_lookups._primal.compiled_kernels) == compiled
        with pytest.raises(ValueError):
            T.update_slot(slot, Channel(a, filter="linear"))
        with pytest.raises(ValueError):
            T.update_slot(slot, Channel(rng.random((16, 16, 4), dtype=np.float32), filter="mipmap"))
    finally:
        slot.release()


def test_fast_log2_lod(gl, slots):
    """textureGrad's LOD is llvmpipe's piecewise-linear log2, not log2: a case where they differ by 0.04."""
    data = images()["8x8"]
    ch = Channel(data, filter="mipmap")
    d = np.float32(np.sqrt(1.5) * 2 / 8)  # rho^2 = 6: log2 -> 1.292, fast -> 1.25
    qa = np.array([[0.3, 0.4, d, 0]], np.float32)
    qb = np.array([[0, 0, 0, 0]], np.float32)
    ref = gl_run(gl, ch, GRAD, qa, qb)
    exact = gl_run(gl, ch, LOD, np.array([[0.3, 0.4, 0.5 * np.log2(6.0), 0]], np.float32))
    fast = gl_run(gl, ch, LOD, np.array([[0.3, 0.4, 1.25, 0]], np.float32))
    assert np.abs(ref - fast).max() < 1e-6 < np.abs(ref - exact).max()
    _assert_close(taichi_run(slots("8x8", data, "mipmap", "repeat"), GRAD, qa, qb), ref, "fast log2")


def test_implicit_lod_and_bias(gl, slots):
    """GLSL texture(s, uv, bias) with uv affine in gl_FragCoord: llvmpipe's quad derivatives are the
    generator's dPdx/dPdy; texture_bias is textureLod at lod + bias."""
    for name in ("5x3", "checker"):
        data = images().get(name)
        if data is None:
            continue
        h, w = data.shape[:2]
        slot = slots(name, data, "mipmap", "repeat")
        ch = Channel(data, filter="mipmap", wrap="repeat")
        y, x = np.mgrid[0:16, 0:_WIDTH].reshape(2, -1).astype(np.float32) + np.float32(0.5)
        for scale, offset, bias in (((1 / 64, 1 / 16), (0.1, -0.3), 0.0), ((0.3, 0.11), (-2.0, 0.7), -1.0),
                                    ((1.7, -0.9), (0.5, 0.5), 0.75), ((0.013, 0.05), (0.0, 0.0), 2.5)):
            sx, sy = np.float32(scale[0]), np.float32(scale[1])
            uv = np.column_stack([x * sx + np.float32(offset[0]), y * sy + np.float32(offset[1])])
            n = len(uv)
            qa = np.column_stack([uv, np.full(n, sx), np.zeros(n)]).astype(np.float32)
            qb = np.column_stack([np.zeros(n), np.full(n, sy), np.full(n, bias), np.zeros(n)]).astype(np.float32)
            ref = gl_run(gl, ch, IMPLICIT, qa, uniforms={"scale": scale, "offset": offset, "bias": bias})
            _assert_close(taichi_run(slot, IMPLICIT, qa, qb), ref, f"{name} texture(s, uv, {bias}) scale {scale}")
        q = lod_queries(w, h, 30)
        q[:, 3] = np.resize(np.float32([0.0, 0.7, -1.2, 2.0]), len(q))
        _assert_close(taichi_run(slot, BIAS, q), gl_run(gl, ch, BIAS, q), f"{name} texture_bias")


_GLOBAL_SLOT = None  # contract option 1: a module global the kernel reads when it first compiles


@ti.kernel
def _sample_global(qa: ti.types.ndarray(dtype=ti.math.vec4, ndim=1), out: ti.types.ndarray(dtype=ti.math.vec4, ndim=1)):
    for k in range(qa.shape[0]):
        out[k] = T.texture_lod(_GLOBAL_SLOT, qa[k].xy, qa[k].z) + T.texture(_GLOBAL_SLOT, qa[k].xy) * 2.0


def test_module_global_slot(gl, taichi_cpu):
    global _GLOBAL_SLOT
    rng = np.random.default_rng(5)
    first = Channel(rng.random((3, 5, 4), dtype=np.float32), filter="mipmap", wrap="clamp")
    _GLOBAL_SLOT = T.make_slot(first)
    try:
        q = lod_queries(5, 3, 50)
        q0 = q.copy()
        q0[:, 2] = 0.0
        for k, ch in enumerate((first, Channel(rng.random((3, 5, 4), dtype=np.float32), filter="mipmap",
                                               wrap="clamp"))):
            if k:
                T.update_slot(_GLOBAL_SLOT, ch)
            out = np.zeros_like(q)
            _sample_global(q, out)
            ref = gl_run(gl, ch, LOD, q) + 2.0 * gl_run(gl, ch, LOD, q0)
            _assert_close(out, ref, f"module-global slot, image {k}", 3 * TOL)
        assert len(_sample_global._primal.compiled_kernels) == 1
    finally:
        _GLOBAL_SLOT.release()


# ---------------------------------------------------------------------------- other arches


def vulkan_cases() -> list[tuple[str, str, str, int, np.ndarray, np.ndarray]]:
    """(image, filter, wrap, mode, qa, qb) rendered by the worker process."""
    out = []
    for name, data in images().items():
        if name == "checker":
            continue
        h, w = data.shape[:2]
        qa_g, qb_g = grad_queries(w, h, 200)
        fetch = fetch_queries(w, h, int(np.log2(max(w, h))) + 1)
        for f, wrap in CONFIGS:
            lod = lod_queries(w, h, 40)
            out += [(name, f, wrap, LOD, lod, np.zeros_like(lod)), (name, f, wrap, GRAD, qa_g, qb_g),
                    (name, f, wrap, FETCH, fetch, np.zeros_like(fetch))]
    return out


def _worker(arch: str, out_path: str) -> None:
    ti.init(arch=getattr(ti, arch), log_level=ti.WARN)
    real = ti.lang.impl.current_cfg().arch.name
    made: dict = {}
    results = []
    for name, f, wrap, mode, qa, qb in vulkan_cases():
        key = (name, f, wrap)
        if key not in made:
            made[key] = T.make_slot(Channel(images()[name], filter=f, wrap=wrap))
        results.append(taichi_run(made[key], mode, qa, qb))
    np.savez(out_path, *results, arch=real)


def test_vulkan_matches_gl(gl, tmp_path):
    """The same functions on ti.vulkan (Mesa lavapipe here), in a fresh process."""
    out = tmp_path / "vulkan.npz"
    proc = subprocess.run([sys.executable, __file__, "--worker", "vulkan", str(out)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    if proc.returncode != 0 or not out.exists():
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        if "vulkan" in " ".join(tail).lower() and proc.returncode != 0:
            pytest.skip(f"Taichi cannot run on vulkan here: {' | '.join(tail)}")
        raise AssertionError(f"worker failed ({proc.returncode}): {' | '.join(tail)}")
    got = np.load(out)
    if str(got["arch"]) != "vulkan":
        pytest.skip(f"ti.vulkan fell back to {got['arch']}")
    for k, (name, f, wrap, mode, qa, qb) in enumerate(vulkan_cases()):
        ch = Channel(images()[name], filter=f, wrap=wrap)
        _assert_close(got[f"arr_{k}"], gl_run(gl, ch, mode, qa, qb), f"vulkan {name} {f}/{wrap} mode {mode}",
                      TOL)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python tests/test_textures.py --worker ARCH OUT.npz")
