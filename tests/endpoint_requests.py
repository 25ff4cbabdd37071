"""Which (method, path) pairs the test suite requests over HTTP, found by reading its sources.

A request is a call whose method is known and whose first path-like argument names a path:

- ``x.get(path, ...)``, ``x.post(...)``, ``x.put(...)``, ``x.delete(...)`` (Flask's test client,
  ``tests/signed_client.SignedClient``, ``requests``, ``httpx``);
- any call with a method literal among its arguments, ``request("DELETE", path)`` or
  ``open(path, method="PUT")``;
- a scenario step (``scenarios/*.yaml``) with ``method:`` and ``path:``.

A path is a string literal, a module-level string constant, or an f-string starting with
either; a query string after ``?`` is ignored. Reading the sources keeps the check fast and
runnable on its own; it counts a call where the test wrote it, so a helper that builds its
path at run time is not seen (write the path where the request is made).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

METHODS = ("GET", "POST", "PUT", "DELETE")
_CLIENT_METHODS = {m.lower(): m for m in METHODS}


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "..."`` string constants."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
        elif (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            found[node.target.id] = node.value.value
    return found


def _texts(node: ast.expr, constants: dict[str, str], cases: dict[str, list[ast.expr]]) -> list[str]:
    """The texts an argument can spell: a literal, a constant, a parametrized name, or an f-string
    from its first piece that starts with ``/`` (a base URL before it is skipped)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        if node.id in cases:
            return [text for case in cases[node.id] for text in _texts(case, constants, {})]
        return [constants[node.id]] if node.id in constants else []
    if not isinstance(node, ast.JoinedStr):
        return []
    texts: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            pieces = [value.value]
        elif isinstance(value, ast.FormattedValue):
            pieces = _texts(value.value, constants, cases)
        else:
            pieces = []
        if not texts:
            texts = [piece for piece in pieces if piece.startswith("/")]
        elif not pieces:
            break  # a value only known at run time ends what can be read
        else:
            texts = [text + piece for text in texts for piece in pieces]
    return texts


def _method(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute) and call.func.attr in _CLIENT_METHODS:
        return _CLIENT_METHODS[call.func.attr]
    for keyword in call.keywords:
        if keyword.arg == "method" and isinstance(keyword.value, ast.Constant) and keyword.value.value in METHODS:
            return str(keyword.value.value)
    for arg in call.args:
        if isinstance(arg, ast.Constant) and arg.value in METHODS:
            return str(arg.value)
    return None


def _parametrized(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[ast.expr]]:
    """The values ``@pytest.mark.parametrize`` gives each argument name of ``function``."""
    values: dict[str, list[ast.expr]] = {}
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "parametrize" and len(decorator.args) >= 2):
            continue
        names, cases = decorator.args[0], decorator.args[1]
        if not (isinstance(names, ast.Constant) and isinstance(names.value, str)
                and isinstance(cases, (ast.List, ast.Tuple))):
            continue
        argnames = [n.strip() for n in names.value.split(",")]
        for case in cases.elts:
            if isinstance(case, ast.Call) and case.args:  # pytest.param(...)
                case = ast.Tuple(elts=list(case.args))
            items = case.elts if isinstance(case, ast.Tuple) and len(argnames) > 1 else [case]
            for argname, item in zip(argnames, items, strict=False):
                values.setdefault(argname, []).append(item)
    return values


def _paths(node: ast.expr, constants: dict[str, str], cases: dict[str, list[ast.expr]]) -> list[str]:
    return [text.split("?", 1)[0] for text in _texts(node, constants, cases) if text.startswith("/")]


def _path_args(call: ast.Call) -> list[ast.expr]:
    return [*call.args, *(k.value for k in call.keywords if k.arg in ("path", "url"))]


def _helpers(tree: ast.Module) -> dict[str, tuple[str, str]]:
    """Module functions that make a request with one of their own parameters as the path:
    name -> (method, parameter)."""
    helpers: dict[str, tuple[str, str]] = {}
    for function in tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = {a.arg for a in function.args.args}
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and (method := _method(node)) is not None:
                named = [n.id for arg in _path_args(node) for n in ast.walk(arg)
                         if isinstance(n, ast.Name) and n.id in params]
                if named:
                    helpers[function.name] = (method, named[0])
                    break
    return helpers


def python_requests(source: str) -> Iterator[tuple[str, str]]:
    tree = ast.parse(source)
    constants = _constants(tree)
    helpers = _helpers(tree)
    functions = [f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    scopes: list[tuple[ast.AST, dict[str, list[ast.expr]]]] = [(tree, {})]
    scopes += [(f, _parametrized(f)) for f in functions if f.decorator_list]
    for scope, cases in scopes:
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call):
                continue
            method = _method(node)
            args = _path_args(node)
            if method is None and isinstance(node.func, ast.Name) and node.func.id in helpers:
                method, param = helpers[node.func.id]
                function = next(f for f in tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                                and f.name == node.func.id)
                index = [a.arg for a in function.args.args].index(param)
                args = [k.value for k in node.keywords if k.arg == param] or node.args[index:index + 1]
            if method is None:
                continue
            for arg in args:
                paths = _paths(arg, constants, cases)
                if paths:
                    for path in paths:
                        yield method, path
                    break


def _steps(document: Any) -> Iterator[dict[str, Any]]:
    if isinstance(document, dict):
        yield document
        for value in document.values():
            yield from _steps(value)
    elif isinstance(document, list):
        for item in document:
            yield from _steps(item)


def scenario_requests(text: str) -> Iterator[tuple[str, str]]:
    for step in _steps(yaml.safe_load(text)):
        method, path = step.get("method"), step.get("path")
        if isinstance(method, str) and isinstance(path, str) and method.upper() in METHODS:
            yield method.upper(), path.split("?", 1)[0]


def requested(root: Path, skip: frozenset[str] = frozenset()) -> dict[tuple[str, str], set[str]]:
    """Each (method, path) requested, with the files (relative to ``root``) that request it."""
    found: dict[tuple[str, str], set[str]] = {}
    sources = [(p, python_requests) for p in sorted((root / "tests").rglob("*.py"))]
    sources += [(p, scenario_requests) for p in sorted((root / "scenarios").rglob("*.yaml"))]
    for path, read in sources:
        if path.name in skip:
            continue
        name = str(path.relative_to(root))
        for pair in read(path.read_text(encoding="utf-8")):
            found.setdefault(pair, set()).add(name)
    return found
