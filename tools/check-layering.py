#!/usr/bin/env python3
"""check-layering.py [ROOT]: the include graph of pm's C sources, checked two ways.

1. Modules (top-level folders) include only modules the table ALLOWED below lets them
   include. The table is the one place that says which module may use which: a new module
   or a new edge between two modules is a line here, in the same commit as its first
   include. It follows docs/design.md's direction
       cli|api -> kube -> builder|pods -> engine
           -> {monitor, runtime, storage, registry, netslirp, rootless, systemd} -> lib
   where the modules of the middle row may use each other only along the edges listed.
2. No include cycle between files. A file unit is X.c plus X.h; unit A -> unit B when A.c
   or A.h includes B.h. Every strongly connected component of more than one unit is
   reported with the includes inside it (a cycle almost always means a piece that wants
   its own small file).

Only `#include "..."` lines are read (<...> are system headers). ROOT defaults to the
source tree this script lives in; tests/ and tools/ are not modules. Prints each problem
and exits 1 when there is one, 0 when the tree is clean, 2 on bad usage.
Called by `make lint`; tests/lint/test-layering.sh feeds it bad trees.
"""

import os
import re
import sys

# The middle row: the modules engine (and everything above it) builds on.
LOWER = ["monitor", "runtime", "storage", "registry", "netslirp", "rootless", "systemd"]

# module -> the modules its .c and .h files may include, besides itself. lib is last.
ALLOWED = {
    "cli": ["kube", "builder", "pods", "engine", *LOWER, "lib"],
    "api": ["kube", "builder", "pods", "engine", *LOWER, "lib"],
    "kube": ["builder", "pods", "engine", *LOWER, "lib"],
    "builder": ["engine", *LOWER, "lib"],
    "pods": ["engine", *LOWER, "lib"],
    "engine": [*LOWER, "lib"],
    # pm-monitor: the container's parent after exec, linked statically with monitor,
    # netslirp (the port relay) and lib only; it never calls back into engine/ (which
    # spawns it and talks to it), and a runtime include would break its static link.
    "monitor": ["netslirp", "lib"],
    # today: exec joins the container's systemd scope (systemd/scope); intended: volumes
    # mounted through storage's volume API.
    "runtime": ["storage", "systemd", "lib"],
    # intended: the storage driver probe asks rootless/ about the user namespace.
    "storage": ["rootless", "lib"],
    # a pull feeds storage's layer ingestion (manifest parsing, digests), as an archive
    # does; libcurl through its own dlopen table (registry/dl-curl.h).
    "registry": ["storage", "lib"],
    "netslirp": ["lib"],
    "rootless": ["lib"],
    "systemd": ["lib"],
    # Quadlet files -> unit text, and the pm-user-generator program: a peer of the cli
    # that runs pm by its command line, so it needs lib only.
    "quadlet": ["lib"],
    "lib": [],
}

# Top-level folders that hold C files but are not modules.
NOT_MODULES = {"tests", "tools", "docs"}

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def table_is_acyclic():
    """The table itself must point one way (a bad edit here would hide every cycle)."""
    state = {}

    def visit(m, path):
        if state.get(m) == "done":
            return None
        if state.get(m) == "open":
            return path[path.index(m):] + [m]
        state[m] = "open"
        for t in ALLOWED.get(m, []):
            c = visit(t, path + [m])
            if c:
                return c
        state[m] = "done"
        return None

    for m in ALLOWED:
        c = visit(m, [])
        if c:
            return c
    return None


def sources(root):
    """Every .c/.h directly in a top-level folder: {relative path: module}."""
    out = {}
    for d in sorted(os.listdir(root)):
        if d.startswith((".", "build")) or d in NOT_MODULES:
            continue
        p = os.path.join(root, d)
        if not os.path.isdir(p):
            continue
        for f in sorted(os.listdir(p)):
            if f.endswith((".c", ".h")) and os.path.isfile(os.path.join(p, f)):
                out[d + "/" + f] = d
    return out


def includes(root, path):
    """(line number, included path) for each #include "..." of a file."""
    with open(os.path.join(root, path), errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            m = INCLUDE.match(line)
            if m:
                inc = m.group(1)
                if "/" not in inc:  # a sibling: "x.h" from mod/y.c is mod/x.h
                    inc = os.path.dirname(path) + "/" + inc
                yield n, os.path.normpath(inc)


def unit(path):
    return re.sub(r"\.[ch]$", "", path)


def sccs(graph):
    """Tarjan's strongly connected components, iterative; those of more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
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
    return sorted(out)


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print("usage: check-layering.py [ROOT]", file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(__file__), "..")
    if not os.path.isdir(root):
        print(f"check-layering: '{root}' is not a directory", file=sys.stderr)
        return 2

    cyc = table_is_acyclic()
    if cyc:
        print("check-layering: the ALLOWED table has a cycle: " + " -> ".join(cyc),
              file=sys.stderr)
        return 1

    files = sources(root)
    problems = 0
    for m in sorted(set(files.values()) - set(ALLOWED)):
        print(f"{m}/: not a module of the table in tools/check-layering.py "
              f"(known: {', '.join(ALLOWED)}); add it where it belongs", file=sys.stderr)
        problems += 1

    # 1. module edges; and the file graph for 2.
    graph = {}
    where = {}  # (unit, unit) -> first "file:line"
    for path, mod in sorted(files.items()):
        if mod not in ALLOWED:
            continue
        u = unit(path)
        graph.setdefault(u, set())
        for line, inc in includes(root, path):
            target = inc.split("/", 1)[0]
            if target in ALLOWED and target != mod and target not in ALLOWED[mod]:
                may = ", ".join([mod] + ALLOWED[mod])
                print(f'{path}:{line}: includes "{inc}": {mod} may include only {may}',
                      file=sys.stderr)
                problems += 1
            if inc.endswith(".h") and inc in files and unit(inc) != u:
                graph[u].add(unit(inc))
                where.setdefault((u, unit(inc)), f"{path}:{line}")

    # 2. file cycles
    for comp in sccs(graph):
        members = set(comp)
        print(f"include cycle between {len(comp)} files: {' '.join(comp)}", file=sys.stderr)
        for a in comp:
            for b in sorted(graph[a] & members):
                print(f'  {where[(a, b)]}: includes "{b}.h"', file=sys.stderr)
        problems += 1

    if problems:
        print(f"check-layering: {problems} problem(s); the allowed module edges are the "
              f"table ALLOWED in tools/check-layering.py", file=sys.stderr)
        return 1
    print(f"check-layering: {len(files)} files, module edges allowed, no include cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
