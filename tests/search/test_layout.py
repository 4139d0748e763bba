"""`search` imports none of the portal's apps: apps register with it (DESIGN.md, Layout)."""

import ast
from pathlib import Path

import search

APPS = {"directory", "library", "services_map", "portal"}


def test_search_imports_no_app():
    root = Path(search.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] in APPS]
    assert offenders == []


def test_directory_registers_its_kinds_and_facets():
    from search import registry

    assert {"organization", "service"} <= set(registry.kinds())
    assert {"kind", "country", "province", "type", "group", "language"} <= set(registry.facets())
