"""glslc: real-world GLSL fragment shaders (Shadertoy, TwiGL, plain GLSL) rendered without OpenGL.

The compiler (this package) turns shader text into a checked AST and generated Python/Taichi source;
:mod:`glslc.runtime` runs shaders (input model, channels, the moderngl reference renderer);
:mod:`glslc.conformance` compares backends.
"""

import os as _os

# numpy's OpenBLAS starts one spinning thread per core; glslc makes no BLAS calls, and on a small machine
# those threads steal the cores Taichi and llvmpipe render on (measured: light shaders 20-30% slower on 2
# cores). Set before numpy loads; an explicit OPENBLAS_NUM_THREADS wins.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .errors import GlslError, GlslErrors, InputError, Span
from .sources import ShaderSource, detect_dialect, from_text, load_source

__version__ = "0.1.0"

def __getattr__(name: str):
    # the runtime API, imported on first use so that `import glslc` stays light (no Taichi, no OpenGL)
    if name in ("compile_shader", "Shader"):
        from .runtime import api

        return getattr(api, name)
    raise AttributeError(name)


__all__ = ["compile_shader", "Shader", "GlslError", "GlslErrors", "InputError", "ShaderSource", "Span",
           "detect_dialect", "from_text", "load_source", "__version__"]
