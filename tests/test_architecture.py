"""The package graph stays acyclic: ``db`` <- ``core`` <- ``etl``, ``exports`` <- ``cli``;
``ui`` <- ``views`` (the page files) / ``app.py``. A package imports only the packages listed for it below; a
test fails naming the file and the import that reaches up."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"db", "core", "etl", "exports", "cli", "ui", "views", "app"}

# What each package may import (besides itself and the standard and third-party libraries).
ALLOWED: dict[str, set[str]] = {
    "db": set(),
    "core": {"db"},
    "etl": {"core", "db"},
    # The request template is the export side of an ingest contract: it writes the columns and
    # marker of etl.template and checks its own titles with the ingest's reader (etl.detect).
    # etl never imports exports, so the graph stays acyclic.
    "exports": {"core", "db", "etl"},
    "cli": {"core", "db", "etl", "exports"},
    "ui": {"core", "db", "etl", "exports"},
    "views": {"core", "db", "etl", "exports", "ui"},
    "app": {"core", "db", "etl", "exports", "ui"},
}
# ``python -m etl`` is an alias of ``python -m cli`` (scripts call it): the one upward import.
EXCEPTIONS = {("etl/__main__.py", "cli")}


def _files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in sorted(OURS - {"app"}):
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported(tree: ast.AST, package: str) -> list[tuple[int, str, str]]:
    """(line, top-level package, import text) of every import in the tree, relative ones resolved
    to the importing package (every package here is one level deep for this purpose)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name.split(".")[0], f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            names = ", ".join(a.name for a in node.names)
            text = f"from {'.' * node.level}{node.module or ''} import {names}"
            top = package if node.level else (node.module or "").split(".")[0]
            found.append((node.lineno, top, text))
    return found


def violations() -> list[str]:
    out = []
    for path in _files():
        package = _package(path)
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for line, top, text in _imported(tree, package):
            if top not in OURS or top == package or top in ALLOWED[package]:
                continue
            if (rel, top) in EXCEPTIONS:
                continue
            out.append(f"{rel}:{line}: {text}  ({package} may not import {top})")
    return out


def test_every_package_is_there():
    for package in OURS - {"app"}:
        assert (ROOT / package).is_dir(), package
    assert (ROOT / "app.py").is_file()


def test_no_package_imports_one_above_it():
    bad = violations()
    for line in bad:
        print(line)
    assert not bad, "imports against the package graph:\n" + "\n".join(bad)


def test_the_graph_is_acyclic():
    seen: dict[str, int] = {}

    def depth(package: str, path: tuple[str, ...] = ()) -> int:
        assert package not in path, f"cycle: {' -> '.join(path + (package,))}"
        if package not in seen:
            seen[package] = 1 + max((depth(p, path + (package,)) for p in ALLOWED[package]), default=0)
        return seen[package]

    for package in ALLOWED:
        depth(package)


def test_the_checker_sees_an_upward_import():
    tree = ast.parse("from ui.format import rupiah\nfrom . import store\n")
    tops = [top for _, top, _ in _imported(tree, "core")]
    assert tops == ["ui", "core"]
    assert "ui" not in ALLOWED["core"]
