"""The layering rules, read from the source (ast): who may import whom, and no import cycles.

music/ and audio/ know nothing above them (no model/, player/, app/, composers, Qt); model/
builds on music/ only; player/ knows no Qt; composers.py is the only importer of model/
outside training and the CLI. Lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "smootify_player"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports (relative imports resolved)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


#: Entry points: a module's own ``python -m`` hook may hand over to them; not a dependency.
ENTRY_POINTS = {"smootify_player.cli", "smootify_player.__main__"}


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): {n for n in _imports(p)
                              if not any(n == e or n.startswith(e + ".") for e in ENTRY_POINTS)}
            for p in PKG.rglob("*.py")}


def _part(module: str) -> str | None:
    """The part of the package ``module`` belongs to (``music``, ``composers``, ...)."""
    bits = module.split(".")
    if bits[0] != "smootify_player" or len(bits) < 2:
        return None
    return bits[1]


def _violations(part: str, banned_parts: set[str], qt: bool) -> list[str]:
    bad = []
    for mod, imported in _graph().items():
        if _part(mod) != part:
            continue
        for name in imported:
            if _part(name) in banned_parts or (qt and name.split(".")[0] in QT):
                bad.append(f"{mod} imports {name}")
    return sorted(bad)


def test_music_and_audio_import_nothing_above_them():
    above = {"model", "app", "player", "composers", "training", "cli", "library"}
    assert _violations("music", above | {"audio"}, qt=True) == []
    assert _violations("audio", above, qt=True) == []


def test_model_builds_on_music_only():
    assert _violations("model", {"app", "player", "composers", "training", "cli", "audio"},
                       qt=True) == []


def test_the_player_knows_no_qt_and_no_app():
    assert _violations("player", {"app", "training", "cli", "model"}, qt=True) == []


def test_only_composers_training_and_the_cli_import_model():
    users = {_part(m) for m, imported in _graph().items()
             if _part(m) != "model" and any(_part(n) == "model" for n in imported)}
    assert users <= {"composers", "training", "cli"}


def test_no_import_cycle_between_parts():
    """The parts (music, audio, model, composers, player, app, ...) form a DAG."""
    edges: dict[str, set[str]] = {}
    for mod, imported in _graph().items():
        src = _part(mod)
        if src is None:  # the package's own lazy re-exports
            continue
        for name in imported:
            dst = _part(name)
            if dst is not None and dst != src:
                edges.setdefault(src, set()).add(dst)
    cycle = _find_cycle(edges)
    assert cycle is None, " -> ".join(cycle or [])


def test_no_import_cycle_between_modules():
    graph = _graph()
    edges = {m: {n for n in imported if n in graph and n != m} for m, imported in graph.items()}
    # a package importing its own submodules (re-exports) is not a cycle
    edges = {m: {n for n in e if not n.startswith(m + ".")} for m, e in edges.items()}
    cycle = _find_cycle(edges)
    assert cycle is None, " -> ".join(cycle or [])


def _find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_audio_process_imports_no_analysis():
    """The audio process (``python -m smootify_player.audio.process``) plays timelines: it
    never loads the MIDI reader, the analysis or the model, which would only cost memory."""
    code = ("import sys; import smootify_player.audio.process, smootify_player.audio.choose; "
            "print(' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    heavy = {"pretty_midi", "mido", "scipy", "torch", "PySide6", "smootify_player.music.song",
             "smootify_player.music.bridge", "smootify_player.model"}
    assert not heavy & set(out)
