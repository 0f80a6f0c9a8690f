"""Shaders21k-style image datasets from shader programs: written to disk, or rendered on the fly.

Two ways in:

- :func:`build_dataset` (``glslc dataset``) renders every shader of a list of sources at random times into an
  ImageFolder tree (``DIR/<shader>/<shader>_00000.png``) or WebDataset tar shards, with a manifest. Each
  shader renders in a worker process with a timeout (:func:`glslc.conformance.pool.run_isolated`), so one
  that fails to compile, crashes or hangs is recorded and skipped. Files are written atomically and the
  manifest is the record of truth: re-running the same command renders only what is missing.
- :class:`ShaderStream` is an iterable of ``(image, label)`` that renders as it goes (a random shader and
  time per sample, or N per shader), with optional MixUp; a ``torch.utils.data.IterableDataset`` when torch
  is installed, a plain iterable when it is not.

Both draw a shader's times the same way (:func:`shader_times`): uniform in the time range, from a generator
seeded by the seed and the shader's id, so a given seed gives the same times (and images) whatever the job
order, and the stream's per-shader mode yields the images ``glslc dataset`` writes. See ``docs/dataset.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..sources import ShaderSource, iter_jsonl, load_source
from .output import atomic_write, to_uint8

__all__ = ["DatasetOptions", "Entry", "ShaderStream", "build_dataset", "collect_sources",  # noqa: F822
           "shader_times", "is_constant", "SHADER_SUFFIXES", "CONSTANT_RANGE"]

SHADER_SUFFIXES = (".frag", ".glsl", ".fs", ".fsh", ".json", ".jsonl")
FORMATS = ("png", "jpeg", "webdataset")
CONSTANT_RANGE = 2  # an image is constant when no 8-bit channel spans more than this many levels
JPEG_QUALITY = 95
META_KEY = "glslc-dataset"  # PNG text chunk / JPEG comment carrying the sample's manifest row
MAX_LAUNCH_BYTES = 256 * 1024 * 1024  # float32 output of one launch; more frames are rendered in chunks
FAILURE_STATUSES = ("error", "timeout", "crash")
LOG_NAME = "worker-log.txt"  # the workers' own output (Taichi's messages), one "== shader" header per job
CONFIG_KEYS = ("format", "shard_image", "size", "time_range", "seed", "backend")


# ----------------------------------------------------------------------------------------------------
# Sources


@dataclass
class Entry:
    """One shader of a dataset: its id (folder name, sample key), the loaded source or why it could not be
    loaded, and its position among the sources (the label)."""

    sid: str
    source: ShaderSource | None
    error: str | None = None
    origin: str = ""
    label: int = 0


_SAFE_RE = re.compile(r"[^A-Za-z0-9_-]+")


def _safe_id(text: str) -> str:
    """Ids are folder names and WebDataset keys: letters, digits, '_' and '-' only (no dots)."""
    out = _SAFE_RE.sub("_", str(text)).strip("_")
    return out[:80] or "shader"


def _short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:n]


def _iter_folder(folder: Path, exclude: Path | None) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(folder):
        r = Path(root)
        if exclude is not None and _inside(r, exclude):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and Path(name).suffix.lower() in SHADER_SUFFIXES:
                files.append(r / name)
    return files


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _jsonl_entries(path: Path, dialect: str | None, prefix: str = "") -> Iterator[tuple[str, ShaderSource | None,
                                                                                             str | None, str]]:
    n = 0
    try:
        for item in iter_jsonl(path, dialect):
            n += 1
            if isinstance(item, InputError):
                yield f"{prefix}{path.stem}-record{n}", None, str(item), f"{path} (record {n})"
            else:
                ident = item.meta.get("id") or f"{path.stem}-record{n}"
                yield f"{prefix}{ident}", item, None, item.filename
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None


def collect_sources(specs: Iterable[str | os.PathLike[str] | ShaderSource], *, dialect: str | None = None,
                    limit: int | None = None, exclude: str | os.PathLike[str] | None = None) -> list[Entry]:
    """The shaders named by ``specs``: shader files, folders of them (searched recursively for
    :data:`SHADER_SUFFIXES`), Shadertoy JSON exports, TwiGL shaders, corpus JSONL files (every record) and
    ``FILE.jsonl#ID``; also loaded :class:`ShaderSource` objects.

    A source named directly that is not a shader, a missing path, an empty folder or an empty JSONL file
    raise :class:`InputError`; a file inside a folder or a JSONL record that does not load becomes an entry
    with ``error`` set (recorded, not fatal). Ids are unique (a clash gets a short hash); the same shader
    named twice is kept once. ``limit`` keeps the first N entries; ``exclude`` is a folder never searched
    (the output folder)."""
    if limit is not None and limit < 1:
        raise InputError("--limit must be at least 1")
    excl = Path(exclude) if exclude is not None else None
    entries: list[Entry] = []
    seen: dict[str, Entry] = {}

    def add(sid: str, source: ShaderSource | None, error: str | None, origin: str) -> bool:
        sid = _safe_id(sid)
        key = sid.casefold()
        prev = seen.get(key)
        if prev is not None:
            same = (source is not None and prev.source is not None and prev.source.code == source.code
                    and prev.source.common == source.common)
            if same or (source is None and prev.origin == origin):
                return limit is None or len(entries) < limit  # the same shader twice: once is enough
            sid = f"{sid}-{_short_hash(origin + (source.code if source else ''))}"
            key = sid.casefold()
        e = Entry(sid, source, error, origin, len(entries))
        entries.append(e)
        seen[key] = e
        return limit is None or len(entries) < limit

    def load_file(p: Path, sid: str, direct: bool) -> bool:
        try:
            src = load_source(p, dialect)
        except InputError as e:
            msg = str(e) if str(p) in str(e) else f"{p}: {e}"
            if direct:
                raise InputError(msg) from None
            return add(sid, None, msg, str(p))
        if p.suffix.lower() == ".json" and src.meta.get("id"):
            sid = str(src.meta["id"])
        return add(sid, src, None, str(p))

    for spec in specs:
        if limit is not None and len(entries) >= limit:
            break
        if isinstance(spec, ShaderSource):
            if not add(str(spec.meta.get("id") or spec.name), spec, None, spec.filename):
                break
            continue
        text = os.fspath(spec)
        p = Path(text)
        if not p.exists():
            if "#" in text and Path(text.rpartition("#")[0]).is_file():  # FILE.jsonl#ID
                src = load_source(text, dialect)
                if not add(str(src.meta.get("id") or src.name), src, None, src.filename):
                    break
                continue
            raise InputError(f"{text}: no such file or folder")
        if p.is_dir():
            files = _iter_folder(p, excl)
            if not files:
                raise InputError(f"{text}: no shader files in this folder (looked for "
                                 f"{', '.join('*' + s for s in SHADER_SUFFIXES)})")
            go_on = True
            for f in files:
                rel = f.relative_to(p).with_suffix("")
                base = "__".join(rel.parts)
                if f.suffix.lower() == ".jsonl":
                    for sid, src, err, origin in _jsonl_entries(f, dialect):
                        if not (go_on := add(sid, src, err, origin)):
                            break
                else:
                    go_on = load_file(f, base, direct=False)
                if not go_on:
                    break
            if not go_on:
                break
        elif p.suffix.lower() == ".jsonl":
            count = 0
            go_on = True
            for sid, src, err, origin in _jsonl_entries(p, dialect):
                count += 1
                if not (go_on := add(sid, src, err, origin)):
                    break
            if count == 0:
                raise InputError(f"{text}: no records in this JSONL file")
            if not go_on:
                break
        elif not load_file(p, p.stem, direct=True):
            break
    return entries


# ----------------------------------------------------------------------------------------------------
# Times, constant images, encoding


def shader_times(seed: int, sid: str, n: int, time_range: tuple[float, float] = (0.1, 10.0)) -> np.ndarray:
    """The ``n`` iTimes of a shader: uniform in ``time_range``, from a generator seeded by ``(seed, sid)``.
    The first k of n times are the k times (asking for more images later keeps the earlier ones)."""
    digest = hashlib.sha256(f"glslc-dataset\0{int(seed)}\0{sid}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:16], "little"))
    lo, hi = float(time_range[0]), float(time_range[1])
    return rng.uniform(lo, hi, size=int(n)) if hi > lo else np.full(int(n), lo)


def is_constant(image: np.ndarray, threshold: int = CONSTANT_RANGE) -> bool:
    """Whether an 8-bit RGB image is one flat colour: no channel spans more than ``threshold`` levels."""
    img = np.asarray(image)
    if img.size == 0:
        return True
    flat = img.reshape(-1, img.shape[-1])
    return bool(int((flat.max(axis=0).astype(np.int32) - flat.min(axis=0)).max()) <= threshold)


def nan_fraction(frame: np.ndarray) -> float:
    """The fraction of pixels with a NaN in R, G or B (written as 0, as CONFORMANCE.md quantises)."""
    return float(np.isnan(np.asarray(frame)[..., :3]).any(axis=-1).mean())


def encode_image(rgb: np.ndarray, fmt: str, meta: dict[str, Any] | None = None) -> bytes:
    """PNG or JPEG bytes of an 8-bit RGB image, carrying ``meta`` as JSON (PNG text chunk / JPEG comment):
    the image says which shader, time and seed made it, which also lets a killed run adopt it."""
    from PIL import Image, PngImagePlugin

    img = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    buf = io.BytesIO()
    text = json.dumps(meta, sort_keys=True) if meta is not None else None
    if fmt == "png":
        info = PngImagePlugin.PngInfo()
        if text is not None:
            info.add_text(META_KEY, text)
        img.save(buf, format="PNG", pnginfo=info)
    elif fmt == "jpeg":
        kwargs: dict[str, Any] = {"quality": JPEG_QUALITY}
        if text is not None:
            kwargs["comment"] = text.encode()
        img.save(buf, format="JPEG", **kwargs)
    else:  # pragma: no cover - checked by the options
        raise ValueError(f"unknown image format {fmt!r}")
    return buf.getvalue()


def read_image_meta(data: bytes | Path) -> dict[str, Any] | None:
    """The JSON row :func:`encode_image` embedded, or None."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as img:
            raw = getattr(img, "text", {}).get(META_KEY) if img.format == "PNG" else img.info.get("comment")
            if isinstance(raw, bytes):
                raw = raw.decode("utf-8", "replace")
            return json.loads(raw) if raw else None
    except Exception:  # noqa: BLE001 - an unreadable or foreign file is simply not adoptable
        return None


# ----------------------------------------------------------------------------------------------------
# The worker task: compile once, render every missing frame of one shader, encode


def _fatal_backend(backend: str, arch: str) -> str | None:
    """Why the backend cannot start in this process, or None."""
    try:
        if backend == "gl":
            from .gl import gl_context

            gl_context()
        else:
            from .taichi_backend import init

            init(arch)
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}" if backend == "taichi" else str(e)
    return None


def render_frames(source: ShaderSource, size: tuple[int, int], times: Sequence[float], *, backend: str = "taichi",
                  arch: str = "cpu", compiled: Any = None) -> Iterator[np.ndarray]:
    """(F, H, W, 4) float32 frames for ``times``, as few launches as memory allows (iMouse 0, iFrame from
    the time). ``compiled``: an already compiled program (``render(inputs)``), else compiled here."""
    from .inputs import RenderInputs, make_frames

    w, h = size
    per_launch = max(1, MAX_LAUNCH_BYTES // (w * h * 16))
    release = None
    if compiled is None:
        if backend == "gl":
            from .gl import compile_gl

            compiled = compile_gl(source)
            release = compiled.release
        else:
            from .taichi_backend import compile_taichi

            compiled = compile_taichi(source, arch)
    try:
        for start in range(0, len(times), per_launch):
            chunk = [float(t) for t in times[start: start + per_launch]]
            yield compiled.render(RenderInputs(w, h, make_frames(chunk)))
    finally:
        if release is not None:
            release()


_LOG: list[str] = []


def _redirect_output(path: str) -> None:
    """Send this worker's stdout/stderr (Taichi's C++ log, compiler warnings) to the run's log file, so that
    they neither break the progress bar nor speak in quiet mode."""
    if _LOG and _LOG[0] == path:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    _LOG[:] = [path]


def _render_task(job: dict[str, Any]) -> dict[str, Any]:
    """Worker task: one shader's missing images, encoded with their manifest rows (without the hash)."""
    if job.get("log"):
        _redirect_output(job["log"])
        print(f"== {job['rows'][0]['shader']} ({job['rows'][0]['source']})", file=sys.stderr, flush=True)
    fatal = _fatal_backend(job["backend"], job["arch"])
    if fatal is not None:
        return {"fatal": fatal}
    t0 = time.perf_counter()
    rows, images = job["rows"], []
    if job["backend"] == "taichi":  # the arch that really runs (--arch auto)
        from .taichi_backend import current_arch

        rows = [{**r, "backend": f"taichi-{current_arch() or job['arch']}"} for r in rows]
    nan, flat = [], []
    first = None
    k = 0
    for frames in render_frames(job["source"], job["size"], [r["time"] for r in rows],
                                backend=job["backend"], arch=job["arch"]):
        if first is None:
            first = time.perf_counter() - t0
        for frame in frames:
            u8 = to_uint8(frame)
            nan.append(round(nan_fraction(frame), 6))
            flat.append(is_constant(u8))
            images.append(u8)
            k += 1
    seconds = time.perf_counter() - t0
    if job["drop_constant"] and all(flat):
        return {"dropped": "constant", "seconds": seconds,
                "error": f"all {len(images)} images are one flat colour (8-bit range <= {CONSTANT_RANGE})"}
    out = []
    for row, u8, nf in zip(rows, images, nan, strict=True):
        row = {**row, "nan": nf}
        out.append((row, encode_image(u8, job["image_format"], row)))
    return {"images": out, "seconds": seconds, "first_seconds": first}


# ----------------------------------------------------------------------------------------------------
# Files: manifest, failures, config, lock


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()


def _write(path: Path, data: bytes | Any) -> None:
    """Atomically write bytes (or call ``data(fh)``), readable as a normal file is (mkstemp makes 0600)."""
    def write(fh) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.fchmod(fh.fileno(), _MODE)
        if callable(data):
            data(fh)
        else:
            fh.write(data)

    atomic_write(path, write)


def _fsync_append(path: Path, lines: Sequence[str]) -> None:
    if not lines:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("".join(lines))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as e:
        raise InputError(f"{path}: cannot write: {e.strerror or e}") from None


def _read_jsonl(path: Path, repair: bool = True) -> list[dict[str, Any]]:
    """Rows of a JSONL record file; a partial last line (a run killed mid-write) is cut off."""
    if not path.exists():
        return []
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data) and repair:
        with open(path, "r+b") as fh:
            fh.truncate(end)
    rows = []
    for line in data[:end].splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a torn line in the middle cannot come from us; skip it rather than stop
    return rows


def _gist(error: str, width: int = 200) -> str:
    """One line of a (possibly multi-line) error: its first line, and its last when the first says little."""
    lines = [ln.strip() for ln in error.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    text = lines[0] if len(lines) == 1 or len(lines[0]) > 40 else f"{lines[0]} ... {lines[-1]}"
    return text[:width]


def _row_line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False) + "\n"


@contextlib.contextmanager
def _locked(folder: Path):
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    path = folder / ".lock"
    try:
        fh = open(path, "a")
    except OSError as e:
        raise InputError(f"{folder}: output folder is not writable: {e.strerror or e}") from None
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(f"{folder}: another 'glslc dataset' is writing this folder") from None
        yield
    finally:
        fh.close()


# ----------------------------------------------------------------------------------------------------
# The dataset builder


@dataclass
class DatasetOptions:
    """What ``glslc dataset`` takes (see ``glslc dataset --help`` and docs/dataset.md)."""

    out: str | os.PathLike[str]
    images_per_shader: int = 10
    size: tuple[int, int] = (384, 384)
    time_range: tuple[float, float] = (0.1, 10.0)
    seed: int = 0
    backend: str = "taichi"
    arch: str = "cpu"
    jobs: int = 2
    format: str = "png"
    shard_image: str = "png"
    shard_size: int = 1000
    drop_constant: bool = False
    limit: int | None = None
    timeout: float = 120.0
    retry_failed: bool = False
    dialect: str | None = None
    quiet: bool = False
    progress: bool | None = None  # None: a progress bar on a terminal unless quiet
    log: Any = None  # where one-line notes go (default stderr)

    def check(self) -> None:
        if self.images_per_shader < 1:
            raise InputError("--images-per-shader must be at least 1")
        w, h = self.size
        if not (1 <= w <= 16384 and 1 <= h <= 16384):
            raise InputError(f"size {w}x{h} out of range 1..16384")
        lo, hi = self.time_range
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
            raise InputError(f"bad time range {lo}:{hi}; give START:END with START <= END")
        if self.backend not in ("taichi", "gl"):
            raise InputError(f"unknown backend {self.backend!r}; choose taichi or gl")
        if self.format not in FORMATS:
            raise InputError(f"unknown format {self.format!r}; choose one of {', '.join(FORMATS)}")
        if self.shard_image not in ("png", "jpeg"):
            raise InputError(f"unknown shard image format {self.shard_image!r}; choose png or jpeg")
        if self.jobs < 1:
            raise InputError("--jobs must be at least 1")
        if self.shard_size < 1:
            raise InputError("--shard-size must be at least 1")
        if not self.timeout > 0:
            raise InputError("--timeout must be positive")

    @property
    def image_format(self) -> str:
        return self.shard_image if self.format == "webdataset" else self.format

    @property
    def suffix(self) -> str:
        return ".png" if self.image_format == "png" else ".jpg"

    def config(self) -> dict[str, Any]:
        """What fixes the images: a folder holds one configuration (resuming needs the same one)."""
        return {"format": self.format, "shard_image": self.shard_image if self.format == "webdataset" else None,
                "size": [int(v) for v in self.size], "time_range": [float(v) for v in self.time_range],
                "seed": int(self.seed), "backend": self.backend}


@dataclass
class _Stats:
    rendered: int = 0  # images rendered by this run
    adopted: int = 0  # complete files a killed run left without manifest rows, adopted without rendering
    present: int = 0  # images already in the manifest
    shaders_rendered: int = 0
    started: float = field(default_factory=time.perf_counter)


class _Builder:
    def __init__(self, entries: list[Entry], opts: DatasetOptions):
        self.entries, self.o = entries, opts
        self.out = Path(opts.out)
        self.manifest = self.out / "manifest.jsonl"
        self.failures_path = self.out / "failures.jsonl"
        self.staging = self.out / ".staging"
        self.stats = _Stats()
        self.done: dict[tuple[str, int], dict[str, Any]] = {}
        self.failures: dict[str, dict[str, Any]] = {}
        self.pending: list[tuple[Path, dict[str, Any], bytes | None]] = []  # staged WebDataset samples
        self.shard_no = 0
        self.run_failures: list[dict[str, Any]] = []
        self.log = opts.log or sys.stderr
        self.bar = None

    # -- setup ------------------------------------------------------------------------------------
    def prepare_folder(self) -> None:
        out = self.out
        if out.exists() and not out.is_dir():
            raise InputError(f"{out}: exists and is not a folder")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"{out}: cannot create the output folder: {e.strerror or e}") from None
        try:  # a real write, not os.access (which says yes to root on a read-only mount)
            probe = out / f".probe.{os.getpid()}.tmp"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as e:
            raise InputError(f"{out}: output folder is not writable: {e.strerror or e}") from None

    def check_config(self) -> None:
        path = self.out / "dataset.json"
        want = self.o.config()
        if path.exists():
            try:
                have = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError) as e:
                raise InputError(f"{path}: unreadable ({e}); not a glslc dataset folder?") from None
            diff = [k for k in CONFIG_KEYS if have.get(k) != want.get(k)]
            if diff:
                what = ", ".join(f"{k} {have.get(k)!r} (now {want.get(k)!r})" for k in diff)
                raise InputError(f"{self.out} holds a dataset made with other settings: {what}; use the same "
                                 "settings to resume it, or another --out")
            return
        visible = [p.name for p in self.out.iterdir() if not p.name.startswith(".")]
        if visible:
            raise InputError(f"{self.out}: folder is not empty and holds no glslc dataset (no dataset.json); "
                             "choose a new or empty folder")
        _write(path, (json.dumps({"glslc_dataset": 1, **want}, indent=1) + "\n").encode())

    def clean_temporaries(self) -> None:
        """Temporary files of a killed run (atomic writes never finished): never part of the dataset."""
        pats = [".*.tmp", "*/.*.tmp"]
        for pat in pats:
            for p in self.out.glob(pat):
                with contextlib.suppress(OSError):
                    p.unlink()

    def load_state(self) -> None:
        for row in _read_jsonl(self.manifest):
            if "shader" in row and "index" in row:
                self.done[(row["shader"], int(row["index"]))] = row
        for row in _read_jsonl(self.failures_path):
            if "shader" in row:
                self.failures[row["shader"]] = row
        if self.o.format == "webdataset":
            self.reconcile_shards()

    def reconcile_shards(self) -> None:
        """A shard renamed into place whose rows never reached the manifest (killed in between): adopt its
        rows from the samples' JSON; then staged samples already in a shard are deleted, the rest adopted."""
        listed = {row.get("file") for row in self.done.values()}
        shards = sorted(self.out.glob("shard-*.tar"))
        for shard in shards:
            m = re.match(r"shard-(\d+)\.tar$", shard.name)
            if m:
                self.shard_no = max(self.shard_no, int(m.group(1)) + 1)
            if shard.name in listed:
                continue
            lines = []
            try:
                with tarfile.open(shard) as tf:
                    members = {mm.name: mm for mm in tf.getmembers()}
                    for name, mm in members.items():
                        if not name.endswith(".json"):
                            continue
                        row = json.loads(tf.extractfile(mm).read())  # type: ignore[union-attr]
                        if (row.get("shader"), row.get("index")) not in self.done:
                            self.done[(row["shader"], int(row["index"]))] = row
                            lines.append(_row_line(row))
            except (OSError, tarfile.TarError, json.JSONDecodeError, KeyError) as e:
                raise InputError(f"{shard}: unreadable shard ({e}); move it away and re-run") from None
            _fsync_append(self.manifest, lines)
        if self.staging.is_dir():
            for p in sorted(self.staging.iterdir()):
                if p.name.startswith("."):
                    with contextlib.suppress(OSError):
                        p.unlink()
                    continue
                meta = read_image_meta(p)
                key = (meta.get("shader"), meta.get("index")) if meta else None
                if meta is None or key in self.done or not self._plausible(meta):
                    with contextlib.suppress(OSError):
                        p.unlink()
                    continue
                self.pending.append((p, meta, None))
                self.done[key] = {**meta, "file": None}  # pending: not rendered again
                self.stats.adopted += 1

    def _plausible(self, meta: dict[str, Any]) -> bool:
        """Whether an image a killed run left is one this configuration would render now."""
        sid, idx = meta.get("shader"), meta.get("index")
        if not isinstance(sid, str) or not isinstance(idx, int) or idx < 0:
            return False
        if (meta.get("seed"), meta.get("width"), meta.get("height")) != (self.o.seed, *self.o.size):
            return False
        t = shader_times(self.o.seed, sid, idx + 1, self.o.time_range)[idx]
        return meta.get("time") == float(t)

    # -- planning ---------------------------------------------------------------------------------
    def file_for(self, sid: str, index: int) -> Path:
        return self.out / sid / f"{sid}_{index:05d}{self.o.suffix}"

    def base_row(self, e: Entry, index: int, t: float) -> dict[str, Any]:
        src = e.source
        meta = src.meta if src is not None else {}
        return {"shader": e.sid, "index": index, "label": e.label, "time": float(t), "frame": int(round(60.0 * t)),
                "seed": int(self.o.seed), "width": int(self.o.size[0]), "height": int(self.o.size[1]),
                "source": e.origin, "name": meta.get("name") or (src.name if src else None),
                "author": meta.get("author"), "license": meta.get("license"),
                "backend": self.o.backend if self.o.backend == "gl" else f"taichi-{self.o.arch}"}

    def plan(self) -> list[tuple[Entry, list[dict[str, Any]], bool]]:
        todo = []
        n = self.o.images_per_shader
        for e in self.entries:
            if e.source is None:
                continue
            fail = self.failures.get(e.sid)
            have = [i for i in range(n) if (e.sid, i) in self.done]
            self.stats.present += sum(1 for i in have if self.done[(e.sid, i)].get("file"))
            if len(have) == n:
                continue
            if fail is not None and not have:
                st = fail.get("status")
                if st in FAILURE_STATUSES and not self.o.retry_failed:
                    continue
                if st == "constant" and self.o.drop_constant:
                    continue
            times = shader_times(self.o.seed, e.sid, n, self.o.time_range)
            rows = []
            adopted = []
            for i in range(n):
                if (e.sid, i) in self.done:
                    continue
                row = self.base_row(e, i, times[i])
                if self.o.format != "webdataset":
                    row["file"] = f"{e.sid}/{self.file_for(e.sid, i).name}"
                    got = self.adopt_file(row)
                    if got is not None:
                        adopted.append(got)
                        continue
                rows.append(row)
            if adopted:
                _fsync_append(self.manifest, [_row_line(r) for r in adopted])
                for r in adopted:
                    self.done[(r["shader"], r["index"])] = r
                self.stats.adopted += len(adopted)
            if rows:
                todo.append((e, rows, self.o.drop_constant and not have and not adopted))
        return todo

    def adopt_file(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """An image file a killed run wrote but never listed: reuse it when it is the one we would render."""
        p = self.out / row["file"]
        if not p.is_file():
            return None
        meta = read_image_meta(p)
        if not meta or any(meta.get(k) != row.get(k) for k in ("shader", "index", "time", "seed", "width", "height")):
            return None
        data = p.read_bytes()
        return {**meta, "file": row["file"], "sha256": hashlib.sha256(data).hexdigest()}

    # -- running ----------------------------------------------------------------------------------
    def note(self, text: str) -> None:
        if self.o.quiet:
            return
        if self.bar is not None:
            self.bar.write(text, file=self.log)
        else:
            print(text, file=self.log)

    def record_failure(self, e: Entry, status: str, error: str, seconds: float = 0.0) -> None:
        error = re.sub(r"^(GlslErrors|GlslError|InputError): ", "", error.strip())
        row = {"shader": e.sid, "source": e.origin, "status": status, "error": error[:2000],
               "seconds": round(seconds, 3)}
        _fsync_append(self.failures_path, [_row_line(row)])
        self.failures[e.sid] = row
        self.run_failures.append(row)
        what = "dropped" if status == "constant" else f"failed ({status})"
        self.note(f"glslc: {e.sid}: {what}: {_gist(error or status)}")

    def write_images(self, e: Entry, images: list[tuple[dict[str, Any], bytes]]) -> None:
        if self.o.format == "webdataset":
            self.staging.mkdir(exist_ok=True)
            for row, data in images:
                p = self.staging / f"{e.sid}_{row['index']:05d}{self.o.suffix}"
                _write(p, data)
                self.pending.append((p, row, None))  # read back when packed: memory stays small
                self.done[(e.sid, row["index"])] = {**row, "file": None}
            if len(self.pending) >= self.o.shard_size:
                self.flush_shards(final=False)
            return
        folder = self.out / e.sid
        try:
            folder.mkdir(exist_ok=True)
        except OSError as err:
            raise InputError(f"{folder}: cannot create: {err.strerror or err}") from None
        lines = []
        for row, data in images:
            _write(self.out / row["file"], data)
            row = {**row, "sha256": hashlib.sha256(data).hexdigest()}
            lines.append(_row_line(row))
            self.done[(e.sid, row["index"])] = row
        _fsync_append(self.manifest, lines)

    def flush_shards(self, final: bool) -> None:
        while self.pending and (len(self.pending) >= self.o.shard_size or final):
            batch, self.pending = self.pending[: self.o.shard_size], self.pending[self.o.shard_size:]
            name = f"shard-{self.shard_no:06d}.tar"
            self.shard_no += 1
            rows = []

            def write(fh, batch=batch, name=name, rows=rows):
                with tarfile.open(fileobj=fh, mode="w", format=tarfile.USTAR_FORMAT) as tf:
                    for path, meta, data in batch:
                        if data is None:
                            data = path.read_bytes()
                        key = f"{meta['shader']}_{meta['index']:05d}"
                        row = {**meta, "file": name, "key": key, "sha256": hashlib.sha256(data).hexdigest()}
                        rows.append(row)
                        for suffix, payload in ((self.o.suffix, data),
                                                (".json", json.dumps(row, ensure_ascii=False).encode()),
                                                (".cls", str(meta["label"]).encode())):
                            info = tarfile.TarInfo(key + suffix)
                            info.size, info.mtime, info.mode = len(payload), 0, 0o644
                            tf.addfile(info, io.BytesIO(payload))
                fh.flush()
                os.fsync(fh.fileno())

            _write(self.out / name, write)
            _fsync_append(self.manifest, [_row_line(r) for r in rows])
            for r in rows:
                self.done[(r["shader"], r["index"])] = r
            for path, _, _ in batch:
                with contextlib.suppress(OSError):
                    path.unlink()

    def run(self) -> dict[str, Any]:
        from ..conformance.pool import run_isolated

        o = self.o
        for e in self.entries:
            if e.source is None:
                self.note(f"glslc: {e.sid}: skipped (not a shader): {e.error}")
        todo = self.plan()
        total_images = sum(len(rows) for _, rows, _ in todo)
        from tqdm import tqdm

        disable = True if (o.quiet or o.progress is False) else (False if o.progress else None)
        self.bar = tqdm(total=total_images, unit="img", file=self.log, dynamic_ncols=True, smoothing=0.1,
                        disable=disable, desc=f"0/{len(todo)} shaders")
        done_shaders = 0
        items = ((k, {"source": e.source, "rows": rows, "size": tuple(o.size), "backend": o.backend,
                      "arch": o.arch, "image_format": o.image_format, "drop_constant": drop,
                      "log": str(self.out / LOG_NAME)})
                 for k, (e, rows, drop) in enumerate(todo))
        try:
            if todo:
                for key, oc in run_isolated(items, _render_task, jobs=min(o.jobs, len(todo)), timeout=o.timeout):
                    e, rows, _ = todo[key]
                    if oc.status == "ok" and "fatal" in oc.value:
                        from .render import BackendUnavailable

                        raise BackendUnavailable(f"the {o.backend} backend cannot run here: {oc.value['fatal']}")
                    if oc.status == "ok" and "dropped" in oc.value:
                        self.record_failure(e, oc.value["dropped"], oc.value["error"], oc.value["seconds"])
                    elif oc.status == "ok":
                        self.write_images(e, oc.value["images"])
                        self.stats.rendered += len(oc.value["images"])
                        self.stats.shaders_rendered += 1
                    else:
                        self.record_failure(e, oc.status, oc.error or oc.status, oc.seconds)
                    done_shaders += 1
                    self.bar.set_description(f"{done_shaders}/{len(todo)} shaders", refresh=False)
                    self.bar.update(len(rows))
            if o.format == "webdataset":
                self.flush_shards(final=True)
        except InputError as err:
            raise InputError(f"{err} (the run stopped; what was written is complete: fix this and re-run the "
                             "same command to resume)") from None
        finally:
            self.bar.close()
            self.bar = None
        return self.summary()

    def summary(self) -> dict[str, Any]:
        o, n = self.o, self.o.images_per_shader
        rendered, failed, dropped, incomplete, inputs = [], [], [], [], []
        images = nan_images = 0
        for e in self.entries:
            if e.source is None:
                inputs.append({"shader": e.sid, "source": e.origin, "status": "input", "error": e.error})
                continue
            have = [self.done[(e.sid, i)] for i in range(n) if (e.sid, i) in self.done]
            images += len(have)
            nan_images += sum(1 for r in have if r.get("nan"))
            fail = self.failures.get(e.sid)
            if len(have) == n:
                rendered.append(e.sid)
            elif fail is not None and not have and fail.get("status") == "constant" and o.drop_constant:
                dropped.append(fail)
            elif fail is not None and not have and fail.get("status") in FAILURE_STATUSES:
                failed.append(fail)
            else:
                incomplete.append(e.sid)
        seconds = time.perf_counter() - self.stats.started
        reasons: dict[str, int] = {}
        for f in failed + inputs:
            reasons[f["status"]] = reasons.get(f["status"], 0) + 1
        return {
            "out": str(self.out), **o.config(), "images_per_shader": n, "arch": o.arch,
            "shaders": len(self.entries), "rendered": len(rendered), "failed": len(failed) + len(inputs),
            "failed_by_status": reasons, "dropped_constant": len(dropped), "incomplete": len(incomplete),
            "images": images, "images_with_nan": nan_images,
            "run": {"images_rendered": self.stats.rendered, "images_adopted": self.stats.adopted,
                    "images_present": self.stats.present, "shaders_rendered": self.stats.shaders_rendered,
                    "seconds": round(seconds, 3),
                    "images_per_second": round(self.stats.rendered / seconds, 3) if seconds > 0 else None},
            "failures": failed + inputs, "dropped": dropped, "classes": sorted(rendered),
        }


def build_dataset(sources: Sequence[str | os.PathLike[str] | ShaderSource] | list[Entry],
                  options: DatasetOptions) -> dict[str, Any]:
    """Render (or finish) a dataset; returns the summary (also written to ``DIR/summary.json``).

    Raises :class:`InputError` for unusable sources or output folders (nothing is rendered then) and when a
    write fails midway (a full disk: what was written is complete and the same call resumes)."""
    options.check()
    out = Path(options.out)
    if sources and all(isinstance(s, Entry) for s in sources):
        entries = list(sources)  # type: ignore[arg-type]
    else:
        entries = collect_sources(sources, dialect=options.dialect, limit=options.limit,  # type: ignore[arg-type]
                                  exclude=out if out.exists() else None)
    if not entries:
        raise InputError("no shaders to render")
    if options.backend == "gl":
        from .gl import GLUnavailable, gl_context
        from .render import BackendUnavailable

        try:
            gl_context()
        except GLUnavailable as e:
            raise BackendUnavailable(str(e)) from None
    b = _Builder(entries, options)
    b.prepare_folder()
    with _locked(out):
        b.check_config()
        b.clean_temporaries()
        b.load_state()
        summary = b.run()
        try:
            text = json.dumps(summary, indent=1, ensure_ascii=False) + "\n"
            _write(out / "summary.json", text.encode())
        except InputError as e:
            raise InputError(f"{e} (the images and manifest are complete; re-run to write the summary)") from None
    return summary


def format_summary(s: dict[str, Any]) -> str:
    """The one-paragraph report ``glslc dataset`` prints."""
    run = s["run"]
    parts = [f"{s['rendered']}/{s['shaders']} shaders rendered"]
    if s["failed"]:
        why = ", ".join(f"{v} {k}" for k, v in sorted(s["failed_by_status"].items()))
        parts.append(f"{s['failed']} failed ({why}; see failures.jsonl / summary.json)")
    if s["dropped_constant"]:
        parts.append(f"{s['dropped_constant']} dropped as constant")
    if s["incomplete"]:
        parts.append(f"{s['incomplete']} incomplete")
    text = ", ".join(parts) + f"; {s['images']} images in {s['out']}"
    rate = run["images_per_second"]
    text += (f"\nthis run: {run['images_rendered']} images rendered in {run['seconds']:.1f} s"
             + (f" ({rate:.2f} images/s)" if rate is not None else ""))
    if run["images_present"] or run["images_adopted"]:
        text += f", {run['images_present']} already there, {run['images_adopted']} adopted from an interrupted run"
    if s["images_with_nan"]:
        text += (f"\n{s['images_with_nan']} images have NaN pixels (written as black, as CONFORMANCE.md "
                 "quantises; the manifest's 'nan' gives the fraction)")
    return text


# ----------------------------------------------------------------------------------------------------
# On the fly: ShaderStream


_FORKED: dict[str, bool] = {}


def _note_fork() -> None:
    """In a child forked after Taichi or the GL context started (a DataLoader worker, by default): neither
    survives a fork (Taichi's threads hang), so the stream says so instead of hanging."""
    tb, gl = sys.modules.get(__package__ + ".taichi_backend"), sys.modules.get(__package__ + ".gl")
    _FORKED["taichi"] = bool(tb is not None and tb.current_arch() is not None)
    _FORKED["gl"] = bool(gl is not None and getattr(gl, "_context", None) is not None)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_note_fork)


def _torch_base() -> type:
    try:
        from torch.utils.data import IterableDataset
    except Exception:  # noqa: BLE001 - no torch (or a broken one): a plain iterable
        return object
    return IterableDataset


class _ShaderStreamImpl:
    """An iterable of ``(image, label)`` rendered as it goes.

    - ``images_per_shader=None`` (default): each sample is a random shader at a random time (``length``
      samples, or endless when ``length`` is None);
    - ``images_per_shader=N``: N images of every shader, at the times ``glslc dataset`` uses for the same
      seed (so the stream yields that dataset's images), shader after shader.

    ``image`` is (H, W, 3) uint8 (``dtype="float32"``: RGB in [0, 1], NaN as 0), passed through
    ``transform`` when given. ``label`` is the shader's index in :attr:`shader_ids`. ``mixup=k`` (k >= 2,
    random mode) blends k images of k different shaders with random convex weights (a flat Dirichlet draw);
    the label is the heaviest shader's, or with ``soft_labels=True`` a float32 vector of the weights over
    all shaders.

    Sharding: samples (random mode) or shaders (per-shader mode) are dealt round-robin over
    ``world_size * num_workers`` shards: this process takes shard ``rank * num_workers + worker_id``, with
    the worker from ``torch.utils.data.get_worker_info()``, so DataLoader workers and ranks never repeat a
    sample, and the union over shards is the same for any number of them. A sample's shader and time depend
    only on (seed, epoch, sample index): call :meth:`set_epoch` for new samples each epoch.

    Each shader is compiled once per process, on first use; one that fails to compile is skipped (random
    mode draws again; per-shader mode moves on) and listed in :attr:`failed`. There is no timeout here: a
    shader that hangs hangs the stream; vet a set with ``glslc dataset`` first and pass ``exclude``.
    """

    def __init__(self, sources: Iterable[str | os.PathLike[str] | ShaderSource], *, size: int | tuple[int, int] = 256,
                 time_range: tuple[float, float] = (0.1, 10.0), images_per_shader: int | None = None,
                 length: int | None = None, mixup: int = 1, soft_labels: bool = False, seed: int = 0,
                 backend: str = "taichi", arch: str = "cpu", dtype: str = "uint8", batch: int = 8,
                 rank: int = 0, world_size: int = 1, transform: Any = None, dialect: str | None = None,
                 exclude: Iterable[str] = (), limit: int | None = None):
        entries = [e for e in collect_sources(list(sources) if not isinstance(sources, (str, os.PathLike))
                                              else [sources], dialect=dialect, limit=limit)
                   if e.source is not None and e.sid not in set(exclude)]
        if not entries:
            raise InputError("no shaders to stream")
        self.entries = entries
        self.shader_ids = [e.sid for e in entries]
        self.size = (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))
        self.time_range = (float(time_range[0]), float(time_range[1]))
        if self.time_range[1] < self.time_range[0]:
            raise ValueError("time_range must be (start, end) with start <= end")
        self.images_per_shader = images_per_shader
        self.length = length
        if mixup < 1:
            raise ValueError("mixup is the number of images blended: 1 (none) or more")
        if mixup > 1 and images_per_shader is not None:
            raise ValueError("mixup blends random shaders: use it with images_per_shader=None")
        self.mixup, self.soft_labels = int(mixup), bool(soft_labels)
        self.seed, self.epoch = int(seed), 0
        self.backend, self.arch = backend, arch
        if dtype not in ("uint8", "float32"):
            raise ValueError("dtype is 'uint8' or 'float32'")
        self.dtype = dtype
        self.batch = max(1, int(batch))
        if not (0 <= rank < world_size):
            raise ValueError(f"rank {rank} is not in 0..{world_size - 1}")
        self.rank, self.world_size = int(rank), int(world_size)
        self.transform = transform
        self.failed: dict[str, str] = {}
        self._compiled: dict[int, Any] = {}

    @property
    def num_classes(self) -> int:
        return len(self.entries)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        """Samples this shard yields (per-shader mode counts shaders that compile as N each)."""
        shard, total = self._shard()
        if self.images_per_shader is not None:
            return len(range(shard, len(self.entries), total)) * self.images_per_shader
        if self.length is None:
            raise TypeError("an endless stream has no length (pass length=...)")
        return len(range(shard, self.length, total))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_compiled"] = {}  # compiled programs stay in their process
        return state

    # -- rendering --------------------------------------------------------------------------------
    def _shard(self) -> tuple[int, int]:
        workers, wid = 1, 0
        torch = sys.modules.get("torch")
        if torch is not None:
            info = torch.utils.data.get_worker_info()
            if info is not None:
                workers, wid = int(info.num_workers), int(info.id)
        return self.rank * workers + wid, self.world_size * workers

    def _program(self, label: int) -> Any:
        if _FORKED.get(self.backend):
            raise RuntimeError(
                f"this process was forked after the {self.backend} backend started in its parent, and it does "
                "not survive a fork: give the DataLoader multiprocessing_context='spawn', or do not render "
                "in the main process before the workers start")
        prog = self._compiled.get(label)
        if prog is None:
            src = self.entries[label].source
            try:
                if self.backend == "gl":
                    from .gl import compile_gl

                    prog = compile_gl(src)  # type: ignore[arg-type]
                else:
                    from .taichi_backend import compile_taichi

                    prog = compile_taichi(src, self.arch)  # type: ignore[arg-type]
            except Exception as e:  # noqa: BLE001 - a shader that does not compile is skipped
                first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                self.failed[self.entries[label].sid] = first
                prog = e
            self._compiled[label] = prog
        return prog

    def render(self, label: int, times: Sequence[float]) -> np.ndarray | None:
        """Float RGB frames (F, H, W, 3) of one shader in one launch (NaN as 0, clamped to [0, 1]), or
        None when the shader does not compile or fails to render."""
        prog = self._program(label)
        if isinstance(prog, Exception):
            return None
        try:
            frames = np.concatenate(list(render_frames(self.entries[label].source, self.size, times,  # type: ignore
                                                       backend=self.backend, arch=self.arch, compiled=prog)))
        except Exception as e:  # noqa: BLE001
            self.failed[self.entries[label].sid] = f"{type(e).__name__}: {e}"
            self._compiled[label] = e
            return None
        return np.clip(np.nan_to_num(frames[..., :3], nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)

    def _finish(self, rgb: np.ndarray) -> Any:
        img = (np.round(rgb * 255.0).astype(np.uint8) if self.dtype == "uint8" else rgb.astype(np.float32))
        return self.transform(img) if self.transform is not None else img

    def _label(self, labels: Sequence[int], weights: np.ndarray) -> Any:
        if not self.soft_labels:
            return int(labels[int(np.argmax(weights))])
        vec = np.zeros(self.num_classes, np.float32)
        for lab, w in zip(labels, weights, strict=True):
            vec[lab] += w
        return vec

    def _draw(self, j: int, attempt: int) -> tuple[list[int], list[float], np.ndarray]:
        rng = np.random.default_rng([self.seed, self.epoch, j, attempt])
        n, k = len(self.entries), self.mixup
        labels = [int(v) for v in rng.choice(n, size=k, replace=n < k)]
        times = [float(t) for t in rng.uniform(self.time_range[0], self.time_range[1], size=k)]
        weights = rng.dirichlet(np.ones(k)) if k > 1 else np.ones(1)
        return labels, times, weights

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        shard, total = self._shard()
        if self.images_per_shader is not None:
            yield from self._iter_per_shader(shard, total)
        else:
            yield from self._iter_random(shard, total)

    def _iter_per_shader(self, shard: int, total: int) -> Iterator[tuple[Any, Any]]:
        n = int(self.images_per_shader or 0)
        for label in range(shard, len(self.entries), total):
            times = shader_times(self.seed, self.entries[label].sid, n, self.time_range)
            frames = self.render(label, times)
            if frames is None:
                continue
            for f in frames:
                yield self._finish(f), (self._label([label], np.ones(1)) if self.soft_labels else label)

    def _iter_random(self, shard: int, total: int) -> Iterator[tuple[Any, Any]]:
        j = shard
        while self.length is None or j < self.length:
            idx = []
            while len(idx) < self.batch and (self.length is None or j < self.length):
                idx.append(j)
                j += total
            # draw the batch, render each shader's images of it in one launch; a sample that drew a shader
            # which does not render draws again (attempt 1, 2...): the result depends on the sample only
            draws = {i: self._draw(i, 0) for i in idx}
            attempts = dict.fromkeys(idx, 0)
            done: dict[int, tuple[list[Any], list[int], np.ndarray]] = {}
            while draws:
                wanted: dict[int, list[tuple[int, int, float]]] = {}
                for i, (labels, times, _) in draws.items():
                    for slot, (lab, t) in enumerate(zip(labels, times, strict=True)):
                        wanted.setdefault(lab, []).append((i, slot, t))
                results = {lab: self.render(lab, [t for _, _, t in uses]) for lab, uses in wanted.items()}
                redo = {}
                for i, (labels, _, w) in draws.items():
                    if any(results[lab] is None for lab in labels):
                        attempts[i] += 1
                        if len(self.failed) >= len(self.entries) or attempts[i] > 100:
                            raise RuntimeError("the stream's shaders do not render: " + "; ".join(
                                f"{k}: {v}" for k, v in list(self.failed.items())[:3]))
                        redo[i] = self._draw(i, attempts[i])
                    else:
                        done[i] = ([None] * len(labels), labels, w)
                for lab, uses in wanted.items():
                    frames = results[lab]
                    if frames is not None:
                        for k, (i, slot, _) in enumerate(uses):
                            if i in done and i not in redo:
                                done[i][0][slot] = frames[k]
                draws = redo
            for i in idx:
                imgs, labels, w = done[i]
                rgb = imgs[0] if len(imgs) == 1 else np.tensordot(np.asarray(w, np.float32), np.stack(imgs), axes=1)
                yield self._finish(rgb), self._label(labels, np.asarray(w))


_STREAM_CLASS: type | None = None


def __getattr__(name: str) -> Any:
    # ShaderStream subclasses torch's IterableDataset when torch is installed; it is built on first use so
    # that ``glslc dataset`` (which imports this module) never pays for importing torch.
    global _STREAM_CLASS
    if name == "ShaderStream":
        if _STREAM_CLASS is None:
            base = _torch_base()
            bases = (_ShaderStreamImpl,) if base is object else (_ShaderStreamImpl, base)
            _STREAM_CLASS = type("ShaderStream", bases, {"__module__": __name__, "__qualname__": "ShaderStream",
                                                         "__doc__": _ShaderStreamImpl.__doc__})
        return _STREAM_CLASS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
