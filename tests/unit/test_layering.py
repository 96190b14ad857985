#!/usr/bin/env python3
"""Checks the dependency rules of DESIGN.md over the include graph of src/, transitively.

Each source file belongs to a part: net, config (the config model and its schema engine), rpc
(the JSON-RPC library), flow, core, one per service (the dse_services list of meson.build), mgmt
(the API server), cli, and dsed (core/main.c, the program on top). Dependencies go one way:
mgmt -> core -> registry -> services, and services -> config, rpc, flow, net. The rules:
  - net reaches nothing outside net;
  - config and rpc reach nothing but themselves and net;
  - core reaches no service, directly or through other headers (services are reached only
    through the registry; the build-generated lists are not part of src/ and are not read);
  - core never reaches mgmt, cli or dsed; a service never mgmt or dsed (its *_cli.c uses cli);
  - graph node files (*_node.c) reach neither mgmt, rpc nor cli;
  - no circle among the parts: a part that reaches another is never reached back by it.
Prints each violation and exits non-zero if there is one.
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")
SRC = os.path.normpath(SRC)
ROOT = os.path.dirname(SRC)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def services():
    with open(os.path.join(ROOT, "meson.build")) as f:
        m = re.search(r"dse_services\s*=\s*\[([^\]]*)\]", f.read())
    return re.findall(r"'([^']+)'", m.group(1)) if m else []


SERVICES = services()


def part(rel):
    top = rel.split("/")[0]
    if rel == "core/main.c":
        return "dsed"  # the program: it ties mgmt and core together, above both
    return top


def includes(rel):
    with open(os.path.join(SRC, rel), errors="replace") as f:
        text = f.read()
    out = []
    for inc in INCLUDE.findall(text):
        if os.path.exists(os.path.join(SRC, inc)):
            out.append(inc)
    return out


files = []
for d, _, names in os.walk(SRC):
    for n in names:
        if n.endswith((".c", ".h")):
            files.append(os.path.relpath(os.path.join(d, n), SRC))
direct = {f: includes(f) for f in files}

closure = {}


def reach(f, seen=None):
    if f in closure:
        return closure[f]
    seen = seen if seen is not None else set()
    if f in seen:
        return set()
    seen.add(f)
    out = set()
    for inc in direct.get(f, []):
        out.add(inc)
        out |= reach(inc, seen)
    closure[f] = out
    return out


bad = []
for f in sorted(files):
    p = part(f)
    r = reach(f)
    if p == "net":
        for inc in sorted(r):
            if part(inc) != "net":
                bad.append(f"{f}: src/net reaches {inc} (src/net depends on nothing)")
    if p in ("config", "rpc"):
        for inc in sorted(r):
            if part(inc) not in (p, "net"):
                bad.append(f"{f}: src/{p} reaches {inc} (it sits below core and the services)")
    if p == "core":
        for inc in sorted(r):
            if part(inc) in SERVICES:
                bad.append(f"{f}: core reaches the service header {inc}")
    if p == "core" or p in SERVICES:
        above = ("mgmt", "cli", "dsed") if p == "core" else ("mgmt", "dsed")
        for inc in sorted(r):
            if part(inc) in above:
                bad.append(f"{f}: {p} reaches {inc} (mgmt sits above core and the services)")
    if f.endswith("_node.c"):
        for inc in sorted(r):
            if part(inc) in ("mgmt", "rpc", "cli"):
                bad.append(f"{f}: node file reaches {inc} (the hot path never sees mgmt or cli)")

# Circles among the parts: part A reaches part B through some file and B reaches A.
edges = {}
for f in files:
    for inc in direct[f]:
        a, b = part(f), part(inc)
        if a != b:
            edges.setdefault(a, {}).setdefault(b, (f, inc))


def path(a, b):
    """A chain of parts from a to b, or None."""
    stack, prev = [a], {a: None}
    while stack:
        x = stack.pop()
        for y in edges.get(x, {}):
            if y not in prev:
                prev[y] = x
                if y == b:
                    chain = [y]
                    while prev[chain[-1]] is not None:
                        chain.append(prev[chain[-1]])
                    return list(reversed(chain))
                stack.append(y)
    return None


reported = set()
for a in sorted(edges):
    for b in sorted(edges[a]):
        back = path(b, a)
        if back is None:
            continue
        cycle = tuple(sorted(set([a] + back)))
        if cycle in reported:
            continue
        reported.add(cycle)
        f, inc = edges[a][b]
        bad.append(f"circle between parts {' -> '.join([a] + back)} (e.g. {f} includes {inc})")

for line in bad:
    print(line)
if not bad:
    print("layering (transitive, circles): ok")
sys.exit(1 if bad else 0)
