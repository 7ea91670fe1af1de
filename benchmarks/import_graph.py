"""How deep the library's imports go: the longest chain of runes/ modules that `import runes.model` loads.

    python benchmarks/import_graph.py [runes.model]

Reads every module of runes/ and keeps the imports made when a module is loaded (module level, not those
inside functions, which run only when called). Prints the longest chain from the given module, how many
modules it loads, and whether the sketch generator is among them.
"""

from __future__ import annotations

import argparse
import ast
import functools
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "runes"


def module_imports(path: Path) -> set[str]:
    """The runes modules a file imports at load time (its package's __init__ included)."""
    found: set[str] = set()
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only (not `if TYPE_CHECKING:`)
        if isinstance(statement, ast.ImportFrom) and statement.module and statement.module.startswith("runes"):
            found.add(statement.module)
            if statement.module == "runes":  # `from runes import model` loads a module
                found.update(f"runes.{a.name}" for a in statement.names if (PACKAGE / f"{a.name}.py").exists())
        elif isinstance(statement, ast.Import):
            found.update(alias.name for alias in statement.names if alias.name.startswith("runes"))
    return {name for name in found if name != "runes"} | ({"runes"} if path.name != "__init__.py" else set())


def graph() -> dict[str, set[str]]:
    edges = {}
    for path in sorted(PACKAGE.glob("*.py")):
        name = "runes" if path.name == "__init__.py" else f"runes.{path.stem}"
        edges[name] = module_imports(path) - {name}
    return edges


def longest_chain(edges: dict[str, set[str]], start: str) -> list[str]:
    """The longest path of imports from `start` that visits no module twice (Python loads each once)."""

    @functools.cache
    def walk(node: str, seen: frozenset[str]) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for target in sorted(edges.get(node, ())):
            if target not in seen:
                chain = walk(target, seen | {target})
                if len(chain) > len(best):
                    best = chain
        return (node, *best)

    return list(walk(start, frozenset({start})))


def loaded(edges: dict[str, set[str]], start: str) -> set[str]:
    todo, seen = [start], {start}
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", default="runes.model")
    args = parser.parse_args()
    edges = graph()
    if args.module not in edges:
        print(f"error: no module {args.module!r} in runes/; modules: {', '.join(sorted(edges))}", file=sys.stderr)
        return 2
    chain = longest_chain(edges, args.module)
    modules = loaded(edges, args.module)
    print(f"longest import chain from {args.module}: {len(chain)} modules")
    print("  " + " -> ".join(chain))
    print(f"modules loaded: {len(modules)} ({', '.join(sorted(modules))})")
    print(f"sketch generator loaded: {'yes' if 'runes.sketches' in modules else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
