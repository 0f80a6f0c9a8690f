"""Lowering analyses on the checked AST: what the code generator must know before it prints Python.

Each pass is a small function over the checked unit (see :mod:`glslc.checker`) with a plain result:

- :func:`call_graph` and :func:`function_order`: user functions in callee-before-caller order (GLSL has no
  recursion; a cycle is a diagnostic);
- :func:`global_usage`: the shader-global variables (uniforms, built-ins such as ``gl_FragCoord``,
  globals) each function reads and writes, directly or through the functions it calls. Taichi functions
  cannot see kernel locals, so the generator threads these through as extra parameters and returns the
  written ones with the result;
- :func:`exits`: where a function returns from inside control flow, which needs the single-exit form (a
  flag and a result variable: Taichi rejects ``return`` inside a non-static ``if`` or loop);
- :func:`has_effects`: whether evaluating an expression writes anything (assignments, ``++``, calls of
  functions with out parameters or global writes), which decides if ``&&``/``||``/``?:`` must be
  lowered to statements (Taichi evaluates both operands);
- :func:`unsupported`: the first construct the back end cannot lower yet, for a clear diagnostic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import ast as A
from .checker import CheckResult, Function, Var
from .errors import GlslError
from .types import Type


def _fn_key(f: Function) -> int:
    return id(f)


def calls_in(node: A.Node, checked: CheckResult) -> list[Function]:
    """User functions called anywhere under ``node``."""
    out = []
    for n in A.walk(node):
        if isinstance(n, A.Call):
            t = checked.calls.get(n)
            if isinstance(t, Function):
                out.append(t)
    return out


def defined_functions(checked: CheckResult) -> list[Function]:
    return [f for fns in checked.functions.values() for f in fns if f.definition is not None]


def function_order(checked: CheckResult) -> list[Function]:
    """Defined functions, callees before callers; GlslError on recursion."""
    order: list[Function] = []
    state: dict[int, int] = {}  # 1 visiting, 2 done

    for root in defined_functions(checked):
        if state.get(_fn_key(root)) == 2:
            continue
        stack: list[tuple[Function, list[Function]]] = [(root, calls_in(root.definition, checked))]  # type: ignore[arg-type]
        state[_fn_key(root)] = 1
        while stack:
            f, pending = stack[-1]
            if pending:
                g = pending.pop()
                if g.definition is None:
                    continue
                s = state.get(_fn_key(g))
                if s == 1:
                    raise GlslError(f"recursion is not allowed in GLSL: '{g.name}' calls itself", g.proto.span)
                if s is None:
                    state[_fn_key(g)] = 1
                    stack.append((g, calls_in(g.definition, checked)))
            else:
                stack.pop()
                state[_fn_key(f)] = 2
                order.append(f)
    return order


@dataclass
class Usage:
    """Shader-global variables a function reads and writes (transitively)."""

    reads: list[Var] = field(default_factory=list)
    writes: list[Var] = field(default_factory=list)
    discards: bool = False


#: The "fragment was discarded" flag, threaded like a shader global through functions that discard.
DISCARD = Var("_discard", Type("scalar", "int"), "builtin", uid=-1)

#: State of the derivative record/replay passes (see glslc.runtime.derivs), threaded like shader globals
#: through the functions that take derivatives: the scratch array and the pass (compile-time templates),
#: the pixel (frame, x, y), the image size, and per-site occurrence counters (written).
DERIV_BUF = Var("_dbuf", Type("sampler", "_scratch"), "builtin", uid=-2)
DERIV_MODE = Var("_dmode", Type("sampler", "_pass"), "builtin", uid=-3)
DERIV_PIX = Var("_pix", Type("vector", "int", 3), "builtin", uid=-4)
DERIV_DIM = Var("_ddim", Type("vector", "int", 2), "builtin", uid=-5)
DERIV_COUNT = Var("_dcnt", Type("vector", "int", 4), "builtin", uid=-6)
DERIV_VARS = (DERIV_BUF, DERIV_MODE, DERIV_PIX, DERIV_DIM, DERIV_COUNT)
DERIVATIVE_BUILTINS = ("dFdx", "dFdy", "fwidth", "dFdxFine", "dFdyFine", "fwidthFine", "dFdxCoarse",
                       "dFdyCoarse", "fwidthCoarse")


def is_derivative_site(n: A.Node, checked: CheckResult) -> bool:
    """A call that needs screen-space derivatives: dFdx/dFdy/fwidth, or ``texture()`` on a 2D sampler
    (its level of detail comes from the derivatives of its coordinates when the channel has mipmaps)."""
    if not isinstance(n, A.Call) or not isinstance(n.callee, str):
        return False
    t = checked.calls.get(n)
    if isinstance(t, (Function, Type)) or t is None:
        return False
    if n.callee in DERIVATIVE_BUILTINS:
        return True
    return (n.callee in ("texture", "texture2D", "textureProj", "texture2DProj") and bool(t.params)
            and t.params[0].base == "sampler2D")


def derivative_calls(checked: CheckResult) -> list[A.Call]:
    """The derivative call sites of the shader, in source order."""
    return [n for n in A.walk(checked.unit) if is_derivative_site(n, checked)]


def _is_shader_global(v: Var) -> bool:
    return v.kind in ("global", "builtin")


def global_usage(checked: CheckResult, order: list[Function]) -> dict[int, Usage]:
    """For each function (by id), the globals it reads/writes, including through callees."""
    result: dict[int, Usage] = {}
    for f in order:
        reads: dict[int, Var] = {}
        writes: dict[int, Var] = {}
        discards = False
        assert f.definition is not None
        for n in A.walk(f.definition):
            if isinstance(n, A.Ident):
                v = checked.symbols.get(n)
                if v is not None and _is_shader_global(v):
                    reads[v.uid] = v
            elif isinstance(n, (A.Assign, A.PreIncDec, A.PostIncDec)):
                target = n.lhs if isinstance(n, A.Assign) else n.operand
                root = lvalue_root(target)
                v = checked.symbols.get(root) if root is not None else None
                if v is not None and _is_shader_global(v):
                    writes[v.uid] = v
                    reads[v.uid] = v
            elif isinstance(n, A.Call):
                t = checked.calls.get(n)
                if is_derivative_site(n, checked):
                    for v in DERIV_VARS:
                        reads[v.uid] = v
                    writes[DERIV_COUNT.uid] = DERIV_COUNT
                if isinstance(t, Function):
                    u = result.get(id(t))
                    if u is not None:
                        for v in u.reads:
                            reads[v.uid] = v
                        for v in u.writes:
                            writes[v.uid] = v
                        discards = discards or u.discards
                quals = (t.qualifiers if t is not None and not isinstance(t, (Function,)) and hasattr(t, "qualifiers")
                         else tuple(p[2] for p in t.params) if isinstance(t, Function) else ())
                for arg, q in zip(n.args, quals, strict=False):
                    if q in ("out", "inout"):
                        root = lvalue_root(arg)
                        v = checked.symbols.get(root) if root is not None else None
                        if v is not None and _is_shader_global(v):
                            writes[v.uid] = v
                            reads[v.uid] = v
            elif isinstance(n, A.Discard):
                discards = True
        if discards:
            reads[DISCARD.uid] = DISCARD
            writes[DISCARD.uid] = DISCARD
        result[id(f)] = Usage(sorted(reads.values(), key=lambda v: v.uid), sorted(writes.values(), key=lambda v: v.uid),
                              discards)
    return result


def lvalue_root(e: A.Expr) -> A.Ident | None:
    """The variable an l-value expression writes into (``a`` in ``a[i].xy``)."""
    while True:
        if isinstance(e, A.Ident):
            return e
        if isinstance(e, (A.Index, A.Field)):
            e = e.base
        else:
            return None


def partly_written(checked: CheckResult) -> set[int]:
    """uids of the variables that some statement writes only a part of: a component, element or member
    (``v.x = ...``, ``v[i] += ...``, ``m[1] = ...``, ``f(v.yz)`` with an ``out`` parameter). Over-approximate:
    any swizzle, index or member of a variable passed to a call counts.

    Taichi 1.7.4 (cpu) can lose a later whole-value store into such a vector or matrix (it goes away with
    ``advanced_optimization=False`` or ``cfg_optimization=False``), so the back end writes these variables
    from a value built from components (``Emitter.store``)."""
    out: set[int] = set()
    for f in defined_functions(checked):
        for n in A.walk(f.definition):
            if isinstance(n, A.Assign):
                targets = [n.lhs]
            elif isinstance(n, (A.PreIncDec, A.PostIncDec)):
                targets = [n.operand]
            elif isinstance(n, A.Call):
                targets = list(n.args)
            else:
                continue
            for t in targets:
                if isinstance(t, (A.Field, A.Index)):
                    root = lvalue_root(t)
                    v = checked.symbols.get(root) if root is not None else None
                    if v is not None:
                        out.add(v.uid)
    return out


def returns_inside_control_flow(body: A.Block) -> bool:
    """Whether a ``return`` occurs anywhere but as the last statement of the function's top level."""
    stmts = body.stmts
    for i, s in enumerate(stmts):
        if isinstance(s, A.Return):
            if i != len(stmts) - 1:
                return True
            continue
        for n in A.walk(s):
            if isinstance(n, A.Return):
                return True
    return False


def contains(node: A.Node, kinds: tuple[type, ...], stop: tuple[type, ...] = ()) -> bool:
    """Whether ``node`` contains a node of ``kinds`` (not looking inside nodes of ``stop``)."""
    stack = list(node.children()) if isinstance(node, stop) else [node]
    while stack:
        n = stack.pop()
        if isinstance(n, kinds):
            return True
        if isinstance(n, stop):
            continue
        stack.extend(n.children())
    return False


def has_effects(e: A.Expr, checked: CheckResult, usage: dict[int, Usage]) -> bool:
    """Whether evaluating ``e`` can write anything or is costly enough to keep out of a select."""
    for n in A.walk(e):
        if isinstance(n, (A.Assign, A.PreIncDec, A.PostIncDec)):
            return True
        if isinstance(n, A.Call):
            t = checked.calls.get(n)
            if isinstance(t, Function):
                return True  # user calls: side effects, or cost worth skipping
            if t is not None and hasattr(t, "qualifiers") and any(q != "in" for q in t.qualifiers):
                return True
    return False


_UNSUPPORTED_BUILTINS = ("interpolateAt",)


def unsupported(checked: CheckResult) -> GlslError | None:
    """The first construct the Taichi back end cannot lower yet, as a diagnostic."""
    for n in A.walk(checked.unit):
        if (isinstance(n, A.Call) and isinstance(n.callee, str) and n.callee.startswith(_UNSUPPORTED_BUILTINS)
                and not isinstance(checked.calls.get(n), (Function, Type))):
            return GlslError(f"the Taichi back end does not support '{n.callee}' yet", n.span)
        if isinstance(n, A.VarDecl):
            v = checked.symbols.get(n)
            if v is not None and v.type.kind == "array":
                el = v.type.element
                if el is not None and (el.kind == "array" or el.kind == "struct" and any(
                        ft.kind in ("array", "struct") for _, ft in el.fields)):
                    what = ("arrays of arrays" if el.kind == "array"
                            else "arrays of structs with array or struct members")
                    return GlslError(f"the Taichi back end does not support {what} yet ('{v.name}')", n.span)
        if isinstance(n, A.FunctionProto) and n.params:
            pass
    return None


def writes_something(e: A.Expr, checked: CheckResult, usage: dict[int, Usage]) -> bool:
    """Whether evaluating ``e`` writes a variable (assignment, ``++``, an out argument, a global written by a
    called function): operands evaluated before it must then be read before it runs."""
    for n in A.walk(e):
        if isinstance(n, (A.Assign, A.PreIncDec, A.PostIncDec)):
            return True
        if isinstance(n, A.Call):
            t = checked.calls.get(n)
            if isinstance(t, Function):
                u = usage.get(id(t))
                if any(p[2] != "in" for p in t.params) or (u is not None and u.writes):
                    return True
            elif t is not None and hasattr(t, "qualifiers") and any(q != "in" for q in t.qualifiers):
                return True
    return False


# ---------------------------------------------------------------------------------------------- inlining

#: Weighted size of the kernel (see :func:`inline_plan`) above which hot functions become ``ti.real_func``.
INLINE_BUDGET = 6000
#: A function is worth a real call only when inlining it again would cost at least this much.
MIN_SAVING = 400


def _node_weight(n: A.Node) -> int:
    """Rough cost of one expression once Taichi scalarizes it: its component count (mat4: 16)."""
    t = getattr(n, "ty", None)
    if isinstance(t, Type):
        if t.kind == "vector":
            return t.size or 1
        if t.kind == "matrix":
            return (t.rows or 1) * (t.cols or 1)
    return 1


def own_sizes(checked: CheckResult, order: list[Function]) -> dict[int, tuple[int, list[Function]]]:
    """Per function: its own weighted size and the user functions it calls (one entry per call site)."""
    out = {}
    for f in order:
        size, callees = 0, []
        for n in A.walk(f.definition):  # type: ignore[arg-type]
            size += _node_weight(n)
            if isinstance(n, A.Call):
                t = checked.calls.get(n)
                if isinstance(t, Function) and t.definition is not None:
                    callees.append(t)
        out[_fn_key(f)] = (size, callees)
    return out


#: Builtins whose exact cores (glslc.runtime.glsl) expand to dozens of Taichi statements per component when
#: inlined, as lane kernels inline them; the names cover the functions built on them.
TRANSCENDENTALS = frozenset({
    "sin", "cos", "tan", "asin", "acos", "atan", "exp", "exp2", "log", "log2", "pow", "sinh", "cosh", "tanh",
    "asinh", "acosh", "atanh", "packHalf2x16", "unpackHalf2x16"})


def expanded_size(checked: CheckResult, order: list[Function], *, transcendental: int = 0) -> int:
    """The weighted size of ``main`` with every call expanded (as Taichi inlines them), each transcendental
    builtin call weighing ``transcendental`` more per component (see :data:`TRANSCENDENTALS`)."""
    sizes = own_sizes(checked, order)
    extra: dict[int, int] = {}
    if transcendental:
        for f in order:
            n = 0
            for node in A.walk(f.definition):  # type: ignore[arg-type]
                if (isinstance(node, A.Call) and isinstance(node.callee, str) and node.callee in TRANSCENDENTALS
                        and not isinstance(checked.calls.get(node), (Function, Type))):
                    n += transcendental * _node_weight(node)
            extra[_fn_key(f)] = n
    expanded: dict[int, int] = {}
    for f in order:  # callees first
        own, callees = sizes[_fn_key(f)]
        expanded[_fn_key(f)] = own + extra.get(_fn_key(f), 0) + sum(expanded[_fn_key(g)] for g in callees)
    mains = [_fn_key(f) for f in order if f.name == "main"] or [_fn_key(order[-1])] if order else []
    return sum(expanded[k] for k in mains)


def inline_plan(checked: CheckResult, order: list[Function], eligible: set[int], *,
                budget: int = INLINE_BUDGET, min_saving: int = MIN_SAVING) -> tuple[set[int], dict[str, int]]:
    """Which functions to compile as ``@ti.real_func`` (called) instead of ``@ti.func`` (inlined).

    Taichi inlines every ``ti.func`` at every call site, so a distance function called from a march loop,
    six normal taps, a shadow and an AO loop is compiled ten times, with everything it calls: compile time
    grows with the *expanded* size of the kernel, not the source (TAICHI.md: 16 s to 137 s). A real
    function is compiled once and called, at some cost in render time (no inlining across the call).

    Greedy: while the expanded kernel is larger than ``budget``, make real the eligible function whose
    extra expansions cost most ((times expanded - 1) x expanded size), if that saves at least
    ``min_saving``. ``order`` lists callees before callers; ``eligible`` holds the keys of functions that
    can be real (no texture or derivative state, types Taichi can annotate). Returns the keys chosen and
    the sizes before and after (for the module's header comment).
    """
    sizes = own_sizes(checked, order)
    keys = [_fn_key(f) for f in order]
    entry = [_fn_key(f) for f in order if f.name == "main"] or keys[-1:]
    real: set[int] = set()

    def expand() -> tuple[dict[int, int], dict[int, int], int]:
        expanded: dict[int, int] = {}
        for k in keys:  # callees first
            own, callees = sizes[k]
            expanded[k] = own + sum(2 if _fn_key(g) in real else expanded[_fn_key(g)] for g in callees)
        # how many times each body is compiled: once per inlining path from the kernel or from a real
        # function (which is compiled once, as its own root)
        times: dict[int, int] = dict.fromkeys(keys, 0)
        for root in entry + [k for k in keys if k in real]:
            counts = {root: 1}
            for k in reversed(keys):  # callers first
                c = counts.get(k, 0)
                if not c or (k != root and k in real):
                    continue
                times[k] += c
                for g in sizes[k][1]:
                    counts[_fn_key(g)] = counts.get(_fn_key(g), 0) + c
        size = sum(expanded[k] for k in entry) + sum(expanded[k] for k in real if times[k])
        return expanded, times, size

    expanded, times, current = expand()
    before = current
    while current > budget:
        best, gain = None, min_saving
        for k in keys:
            if k in real or k not in eligible:
                continue
            saving = (times[k] - 1) * expanded[k]
            if saving > gain:
                best, gain = k, saving
        if best is None:
            break
        real.add(best)
        expanded, times, current = expand()
    return real, {"expanded_before": before, "expanded_after": current}
