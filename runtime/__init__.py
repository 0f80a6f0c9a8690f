"""glslc.runtime: what runs shaders: the input model, channel images, and the renderers."""
