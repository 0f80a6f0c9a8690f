"""glslc.runtime: what runs shaders: the input model, channels, the renderers and the GLSL library."""

import os as _os

# Taichi prints a banner on import; the tool's output is its own (set before anything imports taichi)
_os.environ.setdefault("ENABLE_TAICHI_HEADER_PRINT", "false")
