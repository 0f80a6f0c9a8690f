"""glslc.conformance: comparing the Taichi backend with the reference (CONFORMANCE.md)."""
