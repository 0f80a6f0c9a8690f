"""The uniforms a wrapped shader sees, declared once for every backend.

Each entry names a uniform, its GLSL type, its array length (0 for a scalar/vector) and its *role*: the
input-model quantity that feeds it (see :mod:`glslc.runtime.inputs`). Both the OpenGL reference wrapper and
the Taichi back end read this table, so a uniform is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Uniform:
    name: str
    type: str
    array: int = 0
    role: str = ""

    def declaration(self) -> str:
        suffix = f"[{self.array}]" if self.array else ""
        return f"uniform {self.type} {self.name}{suffix};"


#: Shadertoy's Image-pass uniforms (CONFORMANCE.md), without the channel samplers.
SHADERTOY_UNIFORMS: tuple[Uniform, ...] = (
    Uniform("iResolution", "vec3", role="resolution3"),
    Uniform("iTime", "float", role="time"),
    Uniform("iTimeDelta", "float", role="time_delta"),
    Uniform("iFrameRate", "float", role="frame_rate"),
    Uniform("iFrame", "int", role="frame"),
    Uniform("iChannelTime", "float", 4, role="channel_time"),
    Uniform("iChannelResolution", "vec3", 4, role="channel_resolution"),
    Uniform("iMouse", "vec4", role="mouse"),
    Uniform("iDate", "vec4", role="date"),
    Uniform("iSampleRate", "float", role="sample_rate"),
)

#: GLSL type of a channel sampler for each Shadertoy input kind (``ctype``); anything else is 2D.
CHANNEL_SAMPLER_TYPES = {"cubemap": "samplerCube", "volume": "sampler3D"}

#: Uniform names that full ``void main()`` shaders commonly declare themselves (Shadertoy-style names,
#: GLSL Sandbox's ``time``/``resolution``/``mouse``, TwiGL's long and short names). The renderer feeds any
#: of them that a shader declares; the role says with what.
KNOWN_UNIFORM_ROLES: dict[str, str] = {
    **{u.name: u.role for u in SHADERTOY_UNIFORMS},
    "time": "time",
    "resolution": "resolution2",
    "mouse": "mouse2_normalized",
    "frame": "frame_float",
    "u_time": "time",
    "u_resolution": "resolution2",
    "u_mouse": "mouse2",
}

#: Roles a channel sampler takes: ``iChannel0`` .. ``iChannel3``.
CHANNEL_NAMES = tuple(f"iChannel{i}" for i in range(4))
