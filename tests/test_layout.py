"""The house rules of the layout (docs/architecture.md, "Layout"; CONTRIBUTING.md): packages
import downward only, no import cycle, no module over 300 lines, one home per text helper."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT

RAG = PROJECT_ROOT / "rag"
# Lowest first: a module may import from its own layer or a lower one, never a higher one.
LAYERS = [
    {"rag.config", "rag.types", "rag.arguments"},
    {"rag.text"},
    {"rag.models"},
    {"rag.train"},
    {"rag.index"},
    {"rag.ingest"},
    {"rag.answer"},
    {"rag.factory"},
    {"rag.evaluate"},
    {"rag.cli", "rag.ui", "rag.doctor", "rag.__init__", "rag.__main__"},
]


def _module(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 2 else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in sorted(RAG.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Every rag module the file imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rag":
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "rag")
    known = _modules()
    return {m for m in out if m in known and m != "rag"}


def _layer(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if any(module == name or module.startswith(name + ".") for name in layer):
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and to the map in docs/architecture.md")


def test_every_module_imports_only_its_own_layer_or_lower():
    upward = [
        f"{m} (layer {_layer(m)}) imports {dep} (layer {_layer(dep)})"
        for m, path in _modules().items()
        for dep in sorted(_imports(path))
        if _layer(dep) > _layer(m)
    ]
    assert not upward, "\n".join(upward)


def test_there_is_no_import_cycle():
    graph = {m: _imports(p) - {m} for m, p in _modules().items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for dep in sorted(graph[m]):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path, m, dep]))
            if dep not in state:
                visit(dep, [*path, m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_the_app_launcher_and_the_cli_do_not_import_each_other():
    app = _imports(PROJECT_ROOT / "app.py")
    assert app == {"rag.ui.app"}
    assert not any(m.startswith("rag.cli") for p in (RAG / "ui").glob("*.py") for m in _imports(p))


@pytest.mark.parametrize("path", [*sorted(RAG.rglob("*.py")), PROJECT_ROOT / "app.py"], ids=str)
def test_no_module_is_over_300_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300


def _sources_matching(pattern: str) -> set[str]:
    rx = re.compile(pattern)
    return {str(p.relative_to(RAG)) for p in RAG.rglob("*.py") if rx.search(p.read_text(encoding="utf-8"))}


def test_each_text_helper_has_one_home():
    # A regular expression for [n] citation markers.
    assert _sources_matching(r"\\\[\(?\\d") == {"text/markers.py"}
    # A table of month names.
    assert _sources_matching(r"[\"'](january|jan)[\"']") == {"text/dates.py"}
    # Folding curly apostrophes, and stripping apostrophes from names.
    assert _sources_matching(r"replace\(\"’\", \"'\"\)") == {"text/normalise.py"}
    assert _sources_matching(r"’'`") == {"text/normalise.py"}
    # Sentence splitting and the word tokenizer.
    assert _sources_matching(r"def split_sentences\(") == {"text/sentences.py"}
    assert _sources_matching(r"def tokenize\(") == {"text/tokens.py"}
