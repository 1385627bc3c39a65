"""The folders are the layers: no import cycle, no import from a lower layer to a higher one, analyses speak codes.

Lowest first: the base (``errors``, ``paths``, ``optional_imports``, ``files``, ``cachefiles``, ``words``),
``survey``, ``safety``, ``analysis``, ``decp``, ``publish``, ``engine``, ``cli``. A module imports modules of its
own layer or below; the engine reaches publishing only through the package ``etude.publish``. Imports are read
from the source (inside functions too), not executed.
"""
import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "etude"

#: Layer of each top-level name of the package, lowest first.
LAYERS = {"__init__": 0, "errors": 0, "paths": 0, "optional_imports": 0, "files": 0, "cachefiles": 0,
          "words": 0, "survey": 1, "safety": 2, "analysis": 3, "decp": 4, "publish": 5, "engine": 6, "cli": 7}
#: Layers that compute: they take no ``lang`` and import no words.
COMPUTING = ("analysis", "decp")
COMPUTING_MODULES = ("etude.safety.disclosure", "etude.safety.recovery")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ``etude…`` module the file imports (for ``from a import b``: ``a.b`` when it is a module, else ``a``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "etude"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "etude":
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in MODULES else node.module)
    return found


FILES = sorted(p for p in PACKAGE.rglob("*.py") if "assets" not in p.parts)
MODULES = {_module_name(p): p for p in FILES}


def _layer(module: str) -> tuple[str, int]:
    top = module.split(".")[1] if "." in module else "__init__"
    return top, LAYERS[top]


def _edges() -> dict[str, set[str]]:
    return {name: {m for m in _imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_every_top_level_name_has_a_layer():
    tops = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in FILES}
    assert tops <= set(LAYERS), tops - set(LAYERS)


def test_no_module_imports_a_higher_layer():
    upward = []
    for name, deps in _edges().items():
        top, level = _layer(name)
        for dep in deps:
            dep_top, dep_level = _layer(dep)
            if dep_level > level:
                upward.append(f"{name} -> {dep}")
    assert not upward, sorted(set(upward))


def test_the_engine_reaches_publishing_through_its_package_only():
    reached = sorted(f"{name} -> {dep}" for name, deps in _edges().items() if name.startswith("etude.engine")
                     for dep in deps if dep.startswith("etude.publish."))
    assert not reached, reached


def test_no_import_cycle():
    edges = _edges()
    # Tarjan's strongly connected components, iteratively small enough to read: a cycle is a component of 2+
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    # a package's face importing its own modules, which import siblings through the face, is not a cycle of logic
    cycles = [c for c in cycles if not all(m.startswith(c[0].rsplit(".", 1)[0]) for m in c)]
    assert not cycles, cycles


def _computing(name: str) -> bool:
    top, _ = _layer(name)
    return top in COMPUTING or name in COMPUTING_MODULES


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _computing(n)))
def test_computing_modules_take_no_lang_and_import_no_words(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    with_lang = [f.name for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and any(a.arg == "lang" for a in (*f.args.args, *f.args.kwonlyargs, *f.args.posonlyargs))]
    words = sorted(d for d in _imports(MODULES[name]) if d == "etude.words" or d.startswith("etude.publish"))
    assert not with_lang and not words, (with_lang, words)
