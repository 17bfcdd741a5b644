"""Checks that the modules of every crate are layered: among the modules of one parent, the
`crate::…` and `super::…` paths a module's files use point one way only (no import cycle), and
no source file is longer than the limit. Prints the order of each crate's top-level modules
(with --verbose, of every parent's), lowest first. Test modules (`tests`, `test_support`, files under `tests/`, `benches/`) are left out: a test may
reach anything.

    python3 scripts/check_layers.py [--max-lines 1200] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE = re.compile(r"\buse\s+((?:crate|super)::[^;]*);", re.S)
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
TEST_MODULES = {"tests", "test_support"}
STRING = re.compile(r'"(?:\\.|[^"\\])*"')


def module_path(src: Path, file: Path) -> tuple[str, ...]:
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("lib", "main", "mod"):
        parts.pop()
    return tuple(parts)


def expand_use(tree: str) -> list[str]:
    """`crate::a::{b::C, d}` -> [`crate::a::b::C`, `crate::a::d`]."""
    tree = re.sub(r"\s+", "", tree)
    start = tree.find("{")
    if start < 0:
        return [tree]
    depth, end = 0, start
    for i in range(start, len(tree)):
        depth += {"{": 1, "}": -1}.get(tree[i], 0)
        if depth == 0:
            end = i
            break
    prefix, inner = tree[:start], tree[start + 1 : end]
    items, depth, current = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        current += ch
    items.append(current)
    out = []
    for item in filter(None, items):
        out += expand_use(prefix + item) if not item.startswith(("crate::", "super::")) else expand_use(item)
    return out


def references(text: str) -> list[str]:
    text = STRING.sub('""', COMMENT.sub("", text))
    refs = []
    for m in USE.finditer(text):
        refs += expand_use(m.group(1))
    text = USE.sub("", text)
    refs += [m.group(0) for m in PATH.finditer(text)]
    return refs


def resolve(ref: str, here: tuple[str, ...], modules: set[tuple[str, ...]]) -> tuple[str, ...] | None:
    segments = ref.split("::")
    base: list[str]
    if segments[0] == "crate":
        base, rest = [], segments[1:]
    else:
        base = list(here)
        rest = segments
        while rest and rest[0] == "super":
            if not base:
                return None
            base.pop()
            rest = rest[1:]
    path = tuple(base)
    for seg in rest:
        if path + (seg,) in modules:
            path = path + (seg,)
        else:
            break
    return path


def cycles(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
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
                out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def order(nodes: set[str], edges: dict[str, set[str]]) -> list[str]:
    """Lowest first: a module comes after every module it uses."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(v: str) -> None:
        if v in seen:
            return
        seen.add(v)
        for w in sorted(edges.get(v, ())):
            visit(w)
        done.append(v)

    for v in sorted(nodes):
        visit(v)
    return done


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-lines", type=int, default=1200)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    ok = True
    for crate in sorted((ROOT / "crates").iterdir()):
        src = crate / "src"
        if not src.is_dir():
            continue
        for file in sorted(crate.rglob("*.rs")):
            lines = file.read_text().count("\n")
            if lines > args.max_lines:
                print(f"{file.relative_to(ROOT)}: {lines} lines (at most {args.max_lines})")
                ok = False
        files = {module_path(src, f): f for f in src.rglob("*.rs")}
        modules = set(files)
        # Sibling edges: for a reference from module A to module B that are not nested in each
        # other, the edge between their ancestors right below the deepest common one.
        edges: dict[tuple[str, ...], dict[str, set[str]]] = {}
        for here, file in files.items():
            if TEST_MODULES & set(here):
                continue
            for ref in references(file.read_text()):
                target = resolve(ref, here, modules)
                if target is None or TEST_MODULES & set(target):
                    continue
                k = 0
                while k < min(len(here), len(target)) and here[k] == target[k]:
                    k += 1
                if k == len(here) or k == len(target):
                    continue  # one contains the other
                parent = here[:k]
                edges.setdefault(parent, {}).setdefault(here[k], set()).add(target[k])
        for parent, graph in sorted(edges.items()):
            nodes = set(graph) | {w for ws in graph.values() for w in ws}
            for comp in cycles(nodes, graph):
                where = "::".join((crate.name,) + parent)
                print(f"{where}: import cycle between {', '.join(comp)}")
                ok = False
        parents = sorted({m[:-1] for m in modules if m}) if args.verbose else [()]
        for parent in parents:
            children = {m[len(parent)] for m in modules if len(m) > len(parent) and m[: len(parent)] == parent}
            children -= TEST_MODULES
            if len(children) > 1 or not parent:
                where = "::".join((crate.name,) + parent)
                print(f"{where}: {' < '.join(order(children, edges.get(parent, {})))}")
    print("layers: ok" if ok else "layers: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
