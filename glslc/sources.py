"""Shader sources: loading, dialect detection and wrapping into a complete fragment shader.

A :class:`ShaderSource` is what every later stage starts from: the user's code, its dialect, the channel
inputs it was published with, and its metadata. :meth:`ShaderSource.wrap` turns it into a complete GLSL
fragment shader (the Shadertoy wrapper of CONFORMANCE.md, TwiGL's templates, or the code as written) plus
the line offset that maps diagnostics back to the user's lines.

Dialects:

- ``shadertoy``: Image-pass code defining ``mainImage(out vec4, in vec2)``;
- ``glsl``: a complete fragment shader with ``void main()`` writing an ``out vec4`` or ``gl_FragColor``;
- ``twigl-<mode>``: a TwiGL shader, mode one of :data:`glslc.twigl.TWIGL_MODES`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .uniforms import CHANNEL_NAMES, CHANNEL_SAMPLER_TYPES, SHADERTOY_UNIFORMS

BASE_DIALECTS = ("shadertoy", "glsl", "twigl")
_FILTERS = ("nearest", "linear", "mipmap")
_WRAPS = ("repeat", "clamp")


def dialect_names() -> list[str]:
    """Every value ``--dialect`` accepts."""
    from .twigl import TWIGL_MODES

    return ["shadertoy", "glsl", "twigl"] + [f"twigl-{m}" for m in TWIGL_MODES]


@dataclass
class ChannelSpec:
    """One Shadertoy channel input as published: what it was and how it is sampled."""

    channel: int
    ctype: str = "texture"
    filter: str = "mipmap"
    wrap: str = "repeat"
    vflip: bool = True
    srgb: bool = False
    src: str | None = None

    @property
    def sampler_type(self) -> str:
        return CHANNEL_SAMPLER_TYPES.get(self.ctype, "sampler2D")

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> ChannelSpec:
        """Read a Shadertoy input record (export or corpus form); raises InputError when malformed."""
        if not isinstance(obj, dict):
            raise InputError(f"channel input is not an object: {obj!r:.60}")
        try:
            channel = int(obj.get("channel", 0))
        except (TypeError, ValueError):
            raise InputError(f"channel input has a bad 'channel': {obj.get('channel')!r:.40}") from None
        if not 0 <= channel <= 3:
            raise InputError(f"channel input has channel {channel}; Shadertoy has iChannel0..3")
        sampler = obj.get("sampler") or {}
        if not isinstance(sampler, dict):
            sampler = {}
        filt = str(sampler.get("filter", "mipmap")).lower()
        wrap = str(sampler.get("wrap", "repeat")).lower()
        return cls(
            channel=channel,
            ctype=str(obj.get("ctype") or obj.get("type") or "texture").lower(),
            filter=filt if filt in _FILTERS else "mipmap",
            wrap=wrap if wrap in _WRAPS else "repeat",
            vflip=_truthy(sampler.get("vflip", True)),
            srgb=_truthy(sampler.get("srgb", False)),
            src=obj.get("src") or obj.get("filepath"),
        )


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


@dataclass
class Wrapped:
    """A complete fragment shader ready for a compiler, and where the user's code sits in it."""

    text: str
    line_offset: int  # wrapped line = user line + line_offset (for lines of the user's code)
    user_lines: int
    version: str  # the #version line's argument, e.g. "300 es"
    has_tail: bool = False  # whether wrapper code follows the user's (Shadertoy's main)

    def user_line(self, wrapped_line: int) -> int | None:
        """The user's line for a line of the wrapped text, or None when it is in the wrapper."""
        line = wrapped_line - self.line_offset
        return line if 1 <= line <= self.user_lines else None


@dataclass
class ShaderSource:
    """A shader as loaded: code, dialect, channels and metadata."""

    code: str
    dialect: str = "shadertoy"
    twigl_mode: str | None = None
    name: str = "shader"
    filename: str = "<shader>"
    channels: list[ChannelSpec] = field(default_factory=list)
    common: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def dialect_name(self) -> str:
        return f"twigl-{self.twigl_mode}" if self.dialect == "twigl" else self.dialect

    def channel(self, i: int) -> ChannelSpec | None:
        for c in self.channels:
            if c.channel == i:
                return c
        return None

    def wrap(self) -> Wrapped:
        """The complete fragment shader for this source (see the module docstring)."""
        if self.dialect == "shadertoy":
            return wrap_shadertoy(self.code, self.channels, self.common)
        if self.dialect == "twigl":
            from .twigl import wrap_twigl

            text, offset = wrap_twigl(self.code, self.twigl_mode or "geekest300")
            return Wrapped(text, offset, _count_lines(self.code), _version_of(text))
        return wrap_glsl(self.code)


def _count_lines(text: str) -> int:
    return text.count("\n") + 1


_VERSION_RE = re.compile(r"^[ \t]*#[ \t]*version[ \t]+([^\n/]*)", re.M)


def _version_of(text: str) -> str:
    m = _VERSION_RE.search(text)
    return " ".join(m.group(1).split()) if m else "100"


def wrap_shadertoy(code: str, channels: list[ChannelSpec] | None = None, common: str = "") -> Wrapped:
    """Shadertoy's Image-pass wrapper: GLSL ES 3.00, its uniforms, then the code, then ``main``."""
    samplers = {c.channel: c.sampler_type for c in channels or []}
    head = [
        "#version 300 es",
        "precision highp float;",
        "precision highp int;",
        "precision mediump sampler3D;",
        "#define HW_PERFORMANCE 1",
    ]
    head += [u.declaration() for u in SHADERTOY_UNIFORMS]
    head += [f"uniform {samplers.get(i, 'sampler2D')} {name};" for i, name in enumerate(CHANNEL_NAMES)]
    if common:
        head.append(common)
    prefix = "\n".join(head) + "\n"
    tail = (
        "\nout vec4 glslc_FragColor;\n"
        "void main() {\n"
        "    vec4 glslc_color = vec4(0.0, 0.0, 0.0, 1.0);\n"
        "    mainImage(glslc_color, gl_FragCoord.xy);\n"
        "    glslc_FragColor = glslc_color;\n"
        "}\n"
    )
    offset = prefix.count("\n")
    return Wrapped(prefix + code + tail, offset, _count_lines(code), "300 es", has_tail=True)


def wrap_glsl(code: str) -> Wrapped:
    """A complete shader runs as written; one with no ``#version`` is GLSL ES 1.00 as WebGL 1 runs it."""
    if _VERSION_RE.search(code):
        return Wrapped(code, 0, _count_lines(code), _version_of(code))
    prefix = "#version 100\nprecision highp float;\n"
    return Wrapped(prefix + code, 2, _count_lines(code), "100")


# ----------------------------------------------------------------------------------------------------
# Detection

_MAINIMAGE_RE = re.compile(r"\bvoid\s+mainImage\s*\(")
_MAIN_RE = re.compile(r"\bvoid\s+main\s*\(\s*(void\s*)?\)")
_TWIGL_MARKER_RE = re.compile(r"^\s*//\s*twigl\s*:\s*([\w ()-]+?)\s*$", re.M | re.I)


def detect_dialect(code: str) -> tuple[str, str | None]:
    """Tell the dialect of shader text: ``(dialect, twigl_mode)``; raises InputError when unsure.

    A ``// twigl: MODE`` comment forces a TwiGL mode. Otherwise ``mainImage`` means Shadertoy, a ``void
    main()`` a complete shader unless it reads as TwiGL (see :func:`glslc.twigl.detect_twigl_mode`).
    """
    from .twigl import detect_twigl_mode, normalize_mode

    m = _TWIGL_MARKER_RE.search(code[:2000])
    if m:
        try:
            return "twigl", normalize_mode(m.group(1))
        except ValueError as e:
            raise InputError(f"bad TwiGL mode marker: {e}") from None
    if _MAINIMAGE_RE.search(code):
        return "shadertoy", None
    mode = detect_twigl_mode(code)
    if mode is not None:
        return "twigl", mode
    if _MAIN_RE.search(code):
        return "glsl", None
    raise InputError(
        "cannot tell the shader's dialect (no mainImage(), no main(), not TwiGL-like); "
        f"pass --dialect, one of: {', '.join(dialect_names())}"
    )


def parse_dialect(name: str) -> tuple[str, str | None]:
    """Validate a ``--dialect`` value into ``(dialect, twigl_mode)``."""
    key = name.strip().lower()
    if key in ("shadertoy", "glsl"):
        return key, None
    if key == "twigl":
        return "twigl", None
    if key.startswith("twigl-") or key.startswith("twigl:"):
        from .twigl import normalize_mode

        try:
            return "twigl", normalize_mode(key[6:])
        except ValueError:
            pass
    raise InputError(f"unknown dialect {name!r}; choose one of: {', '.join(dialect_names())}")


# ----------------------------------------------------------------------------------------------------
# Loading

MAX_SOURCE_BYTES = 16 * 1024 * 1024


def load_source(spec: str | os.PathLike[str], dialect: str | None = None) -> ShaderSource:
    """Load one shader from a path: ``.frag``/``.glsl``/any text, a Shadertoy JSON export, or a corpus
    JSONL record (``FILE.jsonl#ID``, or a one-record file). Raises InputError on unusable input."""
    path, selector = str(spec), ""
    if "#" in path and not os.path.exists(path):
        path, _, selector = path.rpartition("#")
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a folder, not a shader file")
    try:
        raw = p.read_bytes()[: MAX_SOURCE_BYTES + 1]
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise InputError(f"{path}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB; not a shader")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        if sum(ch < " " and ch not in "\t\r\n\f" for ch in text[:4096]) > 8:
            raise InputError(f"{path}: binary data, not shader text") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip()
    is_jsonl = p.suffix.lower() == ".jsonl" or selector
    if is_jsonl:
        return _load_jsonl(p, text, selector, dialect)
    if p.suffix.lower() == ".json" or stripped.startswith("{") or stripped.startswith("["):
        return from_shadertoy_json(_parse_json(text, str(p)), str(p), dialect)
    return from_text(text, str(p), dialect, name=p.stem)


def from_text(code: str, filename: str = "<shader>", dialect: str | None = None, name: str = "shader") -> ShaderSource:
    """A source from shader text, detecting the dialect unless one is given."""
    d, mode = parse_dialect(dialect) if dialect else detect_dialect(code)
    if d == "twigl" and mode is None:
        from .twigl import detect_twigl_mode

        mode = detect_twigl_mode(code) or "geekest300"
    return ShaderSource(code=code, dialect=d, twigl_mode=mode, name=name, filename=filename)


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{where}:{e.lineno}:{e.colno}: malformed JSON: {e.msg}") from None
    except RecursionError:
        raise InputError(f"{where}: malformed JSON: nested too deeply") from None


def from_shadertoy_json(obj: Any, filename: str = "<export>", dialect: str | None = None) -> ShaderSource:
    """A source from a Shadertoy JSON export (``{ver, info, renderpass}``, also wrapped as
    ``{"Shader": ...}`` or a one-element list) or a corpus record (``image_code``)."""
    if isinstance(obj, list):
        if len(obj) != 1:
            raise InputError(f"{filename}: a JSON list of {len(obj)} shaders; give one shader")
        obj = obj[0]
    if isinstance(obj, dict) and isinstance(obj.get("Shader"), dict):
        obj = obj["Shader"]
    if not isinstance(obj, dict):
        raise InputError(f"{filename}: not a Shadertoy export (expected a JSON object)")
    if "image_code" in obj:
        return from_corpus_record(obj, filename, dialect)
    passes = obj.get("renderpass")
    if not isinstance(passes, list) or not passes:
        raise InputError(f"{filename}: not a Shadertoy export: no 'renderpass' list")
    info = obj.get("info") if isinstance(obj.get("info"), dict) else {}
    image = [p for p in passes if isinstance(p, dict) and str(p.get("type", "image")).lower() == "image"]
    if not image:
        raise InputError(f"{filename}: the export has no Image pass")
    other = sorted({str(p.get("type")) for p in passes if isinstance(p, dict)} - {"image", "common"})
    if other:
        raise InputError(
            f"{filename}: multipass shaders are not supported yet (passes: {', '.join(other)}); "
            "only the Image pass and Common code can be rendered"
        )
    common = "\n".join(str(p.get("code", "")) for p in passes if isinstance(p, dict) and p.get("type") == "common")
    img = image[0]
    code = img.get("code")
    if not isinstance(code, str):
        raise InputError(f"{filename}: the Image pass has no 'code' string")
    channels = [ChannelSpec.from_json(i) for i in img.get("inputs") or []]
    src = from_text(code, filename, dialect or "shadertoy", name=str(info.get("id") or Path(filename).stem))
    src.channels = channels
    src.common = common
    src.meta = {
        "id": info.get("id"),
        "name": info.get("name"),
        "author": info.get("username"),
        "license": info.get("license"),
    }
    return src


def from_corpus_record(rec: dict[str, Any], filename: str = "<corpus>", dialect: str | None = None) -> ShaderSource:
    """A source from one record of the corpus JSONL format (``../shared/corpus/README.md``)."""
    if "renderpass" in rec and "image_code" not in rec:
        export = {"info": {k: rec.get(k) for k in ("id", "name")}, "renderpass": rec["renderpass"]}
        return from_shadertoy_json(export, filename, dialect)
    code = rec.get("image_code")
    if not isinstance(code, str):
        raise InputError(f"{filename}: corpus record has no 'image_code' string")
    ident = str(rec.get("id") or "record")
    src = from_text(code, f"{filename}#{ident}", dialect or "shadertoy", name=ident)
    src.channels = [ChannelSpec.from_json(i) for i in rec.get("image_inputs") or []]
    src.meta = {k: rec.get(k) for k in ("id", "name", "author", "license", "date", "tags")}
    src.meta["license"] = src.meta.get("license") or "CC-BY-NC-SA-3.0"
    return src


def _load_jsonl(p: Path, text: str, selector: str, dialect: str | None) -> ShaderSource:
    records = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        rec = _parse_json(line, f"{p}:{n}")
        if not selector:
            records.append(rec)
            if len(records) > 1:
                raise InputError(f"{p}: holds several records; pick one with {p}#ID")
        elif isinstance(rec, dict) and str(rec.get("id")) == selector:
            return from_corpus_record(rec, str(p), dialect)
    if selector:
        raise InputError(f"{p}: no record with id {selector!r}")
    if not records:
        raise InputError(f"{p}: empty JSONL file")
    if not isinstance(records[0], dict):
        raise InputError(f"{p}: a JSONL record is not an object")
    return from_corpus_record(records[0], str(p), dialect)


def iter_jsonl(path: str | os.PathLike[str], dialect: str | None = None) -> Iterator[ShaderSource | InputError]:
    """Every record of a corpus JSONL file as a source (or the InputError that record gives)."""
    p = Path(path)
    with open(p, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = _parse_json(line, f"{p}:{n}")
                if not isinstance(rec, dict):
                    raise InputError(f"{p}:{n}: a JSONL record is not an object")
                yield from_corpus_record(rec, str(p), dialect)
            except InputError as e:
                yield e
