"""Uniformity analysis for lane kernels: which values and branches are the same for every pixel.

A lane function (``glslc/lanes.py``) runs 8 pixels at once. A local variable whose every assignment happens
under control flow that all pixels take together, with a value computed only from uniforms, constants and
other such variables, holds the same value in every lane (*uniform*). It then lives as one plain value at
the control level instead of a lane array, and the ``if``s and loops that test only uniform values need no
lane masks: ``for (int i = 0; i < 5; i++)`` is a plain loop, ``if (iMouse.z > 0.)`` a plain ``if``.

The analysis is a fixpoint over one function body: every local starts uniform; a pass over the statements
marks varying each local assigned a varying value or assigned under varying control, until nothing changes.
Control is varying inside an ``if`` with a varying condition, inside a loop whose condition is varying or
that a ``break``/``continue`` leaves under varying control, inside any loop that contains a ``return``, in a
``switch``, and after the first ``return`` that is not the function's last statement. Parameters of lane
functions are varying (they arrive as lane arrays); shader globals are as :class:`glslc.lanes.LaneEmitter`
classified them. A call is uniform when its arguments are, and, for a user function, when it reads no
varying global, writes no global and has no ``out`` parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import ast as A
from .checker import CheckResult, Function, Var
from .lower import Usage, is_derivative_site, lvalue_root

_LOOPS = (A.For, A.While, A.DoWhile)


@dataclass
class Uniformity:
    """The result for one function body."""

    varying: set[int] = field(default_factory=set)  # uids of varying locals (every other local is uniform)
    control: dict[int, bool] = field(default_factory=dict)  # id(stmt) -> runs under uniform control
    loops: set[int] = field(default_factory=set)  # id(loop) of uniform loops (no lane masks)
    ifs: set[int] = field(default_factory=set)  # id(if) with a uniform condition under uniform control
    #: whether an expression has the same value in every lane and writes nothing (set by :func:`analyse`)
    is_uniform_expr: Callable[[A.Node], bool] = field(default=lambda e: False, repr=False)

    localized: set[int] = field(default_factory=set)  # globals analysed as locals (glslc.lanes)

    def is_uniform_var(self, v: Var) -> bool:
        return (v.kind == "local" or v.uid in self.localized) and v.uid not in self.varying


class _Analysis:
    def __init__(self, checked: CheckResult, usage: dict[int, Usage], lane_global: Callable[[Var], bool]) -> None:
        self.c = checked
        self.usage = usage
        self.lane_global = lane_global
        self.r = Uniformity()
        self.changed = False
        self.after_return = False
        self.final: A.Node | None = None
        # per loop being visited: did a break/continue leave it under varying control?
        self.loop_exits: list[list[bool]] = []

    # ------------------------------------------------------------------------------ values
    def var_uniform(self, v: Var | None) -> bool:
        if v is None:
            return False
        if v.kind == "local" or v.uid in self.r.localized:
            return v.uid not in self.r.varying
        if v.kind == "param":
            return False
        if v.type.kind == "sampler":
            return True
        return not self.lane_global(v)

    def expr(self, e: A.Node | None) -> bool:
        """Whether ``e`` has the same value in every lane (and writes nothing)."""
        if e is None:
            return True
        if isinstance(e, A.Expr) and self.c.constants.get(e) is not None:
            return True
        if isinstance(e, (A.Assign, A.PreIncDec, A.PostIncDec)):
            return False
        if isinstance(e, A.Ident):
            return self.var_uniform(self.c.symbols.get(e))
        if isinstance(e, A.Call):
            if is_derivative_site(e, self.c):
                return False
            t = self.c.calls.get(e)
            if isinstance(t, Function):
                u = self.usage.get(id(t))
                if u is None or u.writes or u.discards or any(q != "in" for _, _, q in t.params):
                    return False
                if any(not self.var_uniform(g) for g in u.reads):
                    return False
            elif t is not None and hasattr(t, "qualifiers") and any(q != "in" for q in t.qualifiers):
                return False
            return all(self.expr(a) for a in e.args)
        return all(self.expr(ch) for ch in e.children())

    def mark(self, v: Var | None) -> None:
        if v is not None and (v.kind == "local" or v.uid in self.r.localized) and v.uid not in self.r.varying:
            self.r.varying.add(v.uid)
            self.changed = True

    def root_var(self, target: A.Expr) -> Var | None:
        root = lvalue_root(target)
        return self.c.symbols.get(root) if root is not None else None

    def writes(self, e: A.Node, uc: bool) -> None:
        """Mark what an expression statement writes: ``x = e``, ``x op= e``, ``x++`` at statement level keep x
        uniform when the value and the control are; any other write (nested, through out arguments) makes
        its target varying."""
        if isinstance(e, A.Comma):
            for x in e.exprs:
                self.writes(x, uc)
            return
        if isinstance(e, A.Assign):
            v = self.root_var(e.lhs)
            ok = uc and self.expr(e.rhs) and self._target_uniform(e.lhs) and (e.op == "=" or self.expr(e.lhs))
            if not ok:
                self.mark(v)
            self._nested_writes(e.rhs)
            self._nested_writes_in_target(e.lhs)
            return
        if isinstance(e, (A.PreIncDec, A.PostIncDec)):
            if not (uc and self.expr(e.operand) and self._target_uniform(e.operand)):
                self.mark(self.root_var(e.operand))
            return
        self._nested_writes(e)

    def _target_uniform(self, target: A.Expr) -> bool:
        """Indices inside an l-value must be uniform for the write to be."""
        while isinstance(target, (A.Index, A.Field)):
            if isinstance(target, A.Index) and not self.expr(target.index):
                return False
            target = target.base
        return True

    def _nested_writes_in_target(self, target: A.Expr) -> None:
        while isinstance(target, (A.Index, A.Field)):
            if isinstance(target, A.Index):
                self._nested_writes(target.index)
            target = target.base

    def _nested_writes(self, e: A.Node) -> None:
        for n in A.walk(e):
            if isinstance(n, A.Assign):
                self.mark(self.root_var(n.lhs))
            elif isinstance(n, (A.PreIncDec, A.PostIncDec)):
                self.mark(self.root_var(n.operand))
            elif isinstance(n, A.Call):
                t = self.c.calls.get(n)
                quals = (tuple(q for _, _, q in t.params) if isinstance(t, Function)
                         else getattr(t, "qualifiers", ()))
                for a, q in zip(n.args, quals, strict=False):
                    if q != "in":
                        self.mark(self.root_var(a))

    # -------------------------------------------------------------------------- statements
    def block(self, stmts: list[A.Node], uc: bool) -> None:
        for s in stmts:
            self.stmt(s, uc)

    def stmt(self, s: A.Node, uc: bool) -> None:
        uc = uc and not self.after_return
        self.r.control[id(s)] = uc
        if isinstance(s, A.Block):
            self.block(s.stmts, uc)
        elif isinstance(s, A.DeclStmt):
            # one statement is printed as a whole, at the control level or in a lane loop: its variables are
            # uniform together or not at all
            vars_ = [self.c.symbols.get(vd) for vd in s.decls]
            ok = uc and all(vd.init is None or self.expr(vd.init) for vd in s.decls)
            ok = ok and all(v is None or v.uid not in self.r.varying for v in vars_)
            for vd, v in zip(s.decls, vars_, strict=True):
                if vd.init is not None:
                    self._nested_writes(vd.init)
                if not ok:
                    self.mark(v)
        elif isinstance(s, A.ExprStmt):
            if isinstance(s.expr, (A.Assign, A.PreIncDec, A.PostIncDec)):
                self.writes(s.expr, uc)
            else:
                self._nested_writes(s.expr)
        elif isinstance(s, A.If):
            cond_u = self._cond(s.cond, uc)
            if cond_u:
                self.r.ifs.add(id(s))
            else:
                self.r.ifs.discard(id(s))
            self.stmt(s.then, cond_u)
            if s.else_ is not None:
                self.stmt(s.else_, cond_u)
        elif isinstance(s, _LOOPS):
            self.loop(s, uc)
        elif isinstance(s, A.Switch):
            self._nested_writes(s.expr)
            for case in s.cases:
                self.r.control[id(case)] = False
                self.block(case.body, False)
        elif isinstance(s, A.Return):
            if s.value is not None:
                self._nested_writes(s.value)
            if s is not self.final:
                self.after_return = True
        elif isinstance(s, (A.Break, A.Continue)):
            if self.loop_exits and not uc:
                self.loop_exits[-1][0] = True

    def _cond(self, c: A.Node, uc: bool) -> bool:
        if isinstance(c, A.DeclStmt):
            self.stmt(c, uc)
            v = self.c.symbols.get(c.decls[0])
            return uc and self.var_uniform(v)
        self._nested_writes(c)
        return uc and self.expr(c)

    def loop(self, s: A.Node, uc: bool) -> None:
        if isinstance(s, A.For) and not isinstance(s.init, A.EmptyStmt):
            self.stmt(s.init, uc)
        has_return = any(isinstance(n, A.Return) for n in A.walk(s))
        step = s.step if isinstance(s, A.For) else None
        candidate = uc and not has_return
        for attempt in (candidate, False):
            exits = [False]
            self.loop_exits.append(exits)
            saved = self.after_return
            cond = getattr(s, "cond", None)
            cond_u = True if cond is None else self._cond(cond, attempt)
            body_uc = attempt and cond_u
            self.stmt(s.body, body_uc)
            if step is not None:
                self.writes(step, body_uc)
                step_u = self._step_uniform(step)
            else:
                step_u = True
            self.loop_exits.pop()
            self.after_return = saved or has_return
            if attempt and cond_u and step_u and not exits[0]:
                self.r.loops.add(id(s))
                return
            self.r.loops.discard(id(s))
            if not attempt:
                return

    def _step_uniform(self, step: A.Expr) -> bool:
        """A uniform loop's step must write only uniform variables (it runs at the control level)."""
        for n in A.walk(step):
            target = n.lhs if isinstance(n, A.Assign) else n.operand if isinstance(n, (A.PreIncDec, A.PostIncDec)) \
                else None
            if target is not None and not self.var_uniform(self.root_var(target)):
                return False
            if isinstance(n, A.Call) and not self.expr(n):
                return False
        return True


def analyse(fn: Function, checked: CheckResult, usage: dict[int, Usage], lane_global: Callable[[Var], bool],
            localized: set[int] | frozenset[int] = frozenset()) -> Uniformity:
    """Uniformity of ``fn``'s locals, statements, loops and ifs (see the module docstring)."""
    assert fn.definition is not None
    body = fn.definition.body
    a = _Analysis(checked, usage, lane_global)
    a.r.localized = set(localized)
    a.final = body.stmts[-1] if body.stmts and isinstance(body.stmts[-1], A.Return) else None
    for _ in range(100):
        a.changed = False
        a.after_return = False
        a.r.control.clear()
        a.block(body.stmts, True)
        if not a.changed:
            break
    a.r.is_uniform_expr = a.expr
    return a.r


__all__ = ["Uniformity", "analyse"]
