#!/usr/bin/env python3
"""The layering check behind scripts/check-layers.sh.

Reads every `#include` of the .c and .h files under sim/, harness/, sched/, workloads/ and
tests/ of a tree, resolves each one the way the build does, and checks it against the rules of
every scripts/layers*.conf of that tree:

    FOLDER: ALLOWED ...        # comment

A file belongs to the longest FOLDER that contains it. It may include the headers of its own
folder, and of every ALLOWED entry (a folder and what is below it, or one file). A folder named
on several lines, in one file or several, may use the union of what they allow. Then the
folders are checked for circles: a cycle in the graph of the includes the tree really has
(allowed or not). With --calls OBJDIR the same rules and the circle check also apply to the
symbols the build's objects use (`nm` of OBJDIR/FOLDER/NAME.o, built from FOLDER/NAME.c), so
an upward call through a local declaration is caught too. Prints one line per problem and
exits 1 if there was any.

Resolution: a quoted include is looked up next to the including file, then in the Makefile's
-I folders (CFLAGS). Sources that `scxlab build` compiles also use its folders, for quoted and
<...> includes: a policy (*.bpf.c, *.bpf.h outside harness/) both sim/shim and sched/include
(its two builds), the headers in those folders their own folder, a daemon (*.daemon.c)
harness/daemon. An include found nowhere in the tree is
a system or generated header (vmlinux.h from the kernel cache) and not checked.
"""
import os
import re
import sys

SCANNED = ("sim", "harness", "sched", "workloads", "tests")
# scxlab-kload links libbpf and not libscxsim: its bpf_* calls are libbpf's, whatever else defines them
LIBBPF_PROGRAM = "harness/kload"
POLICY_DIRS = ("sim/shim", "sched/include")
DAEMON_DIRS = ("harness/daemon",)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


class Rule:
    def __init__(self, folder):
        self.folder = folder
        self.allowed = []   # folder or file paths
        self.where = []     # "scripts/layers.conf:LINE"


def read_rules(root):
    rules, problems = {}, []
    conf_dir = os.path.join(root, "scripts")
    confs = sorted(f for f in os.listdir(conf_dir)
                   if f.startswith("layers") and f.endswith(".conf")) if os.path.isdir(conf_dir) else []
    if not confs:
        problems.append("scripts/layers*.conf: no rule files in %s" % conf_dir)
    for conf in confs:
        rel = "scripts/" + conf
        with open(os.path.join(conf_dir, conf), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.split("#", 1)[0].strip()
                if not line:
                    continue
                folder, sep, rest = line.partition(":")
                folder = folder.strip().rstrip("/")
                if not sep or not folder or " " in folder:
                    problems.append("%s:%d: expected 'FOLDER: ALLOWED ...'" % (rel, n))
                    continue
                rule = rules.setdefault(folder, Rule(folder))
                rule.where.append("%s:%d" % (rel, n))
                for entry in rest.split():
                    entry = entry.rstrip("/")
                    if not os.path.exists(os.path.join(root, entry)):
                        problems.append("%s:%d: '%s' does not exist in the tree" % (rel, n, entry))
                    rule.allowed.append(entry)
                if not os.path.isdir(os.path.join(root, folder)):
                    problems.append("%s:%d: folder '%s' does not exist in the tree" % (rel, n, folder))
    return rules, problems


def makefile_include_dirs(root):
    dirs = []
    try:
        with open(os.path.join(root, "Makefile"), encoding="utf-8") as f:
            for line in f:
                if re.match(r"^\s*CFLAGS\s*:?=", line):
                    dirs += re.findall(r"-I(\S+)", line)
    except OSError:
        pass
    return [d for d in dirs if "$" not in d] or ["."]


def under(path, prefix):
    return path == prefix or path.startswith(prefix + "/")


def folder_of(path, rules):
    best = None
    for folder in rules:
        if under(path, folder) and (best is None or len(folder) > len(best)):
            best = folder
    return best


def source_files(root):
    for top in SCANNED:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def scxlab_build_dirs(src):
    """The -I folders `scxlab build` adds for @src (none: the Makefile builds it)."""
    for own in POLICY_DIRS:       # each build's own headers see only their own folder
        if under(src, own):
            return [own]
    if src.endswith((".bpf.c", ".bpf.h")) and not under(src, "harness"):
        return list(POLICY_DIRS)  # a policy: built for the simulator and for the kernel
    if src.endswith(".daemon.c"):
        return list(DAEMON_DIRS)
    return []


def resolve(root, src, kind, name, idirs):
    """The tree paths an include of @src names: none for a header from outside the tree, two
    for a policy's header that each of its builds finds in another folder."""
    extra = scxlab_build_dirs(src)
    if kind == "<" and not extra:
        return []
    candidates = ([os.path.dirname(src)] if kind == '"' else []) + list(idirs) + extra
    found = []
    for d in candidates:
        p = os.path.normpath(os.path.join(d, name))
        if not p.startswith("..") and os.path.isfile(os.path.join(root, p)):
            found.append(p)
            if len(extra) < 2:
                break   # one build: the first match wins
    return list(dict.fromkeys(found))


def includes_of(root, src):
    with open(os.path.join(root, src), encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE_RE.match(line)
            if m:
                yield n, m.group(1), m.group(2)


def allows(rule, target):
    return any(under(target, a) for a in rule.allowed)


def circles(graph):
    """Every strongly connected set of two or more folders, with the shortest cycle through
    its first folder."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for comp in found:   # the shortest cycle through the component's first folder
        start = min(comp)
        prev, queue = {}, [start]
        while queue and start not in prev:
            v = queue.pop(0)
            for w in sorted(graph.get(v, ())):
                if w in comp and w not in prev:
                    prev[w] = v
                    queue.append(w)
        path, v = [start], prev[start]
        while v != start:
            path.append(v)
            v = prev[v]
        cycles.append((sorted(comp), [start] + path[:0:-1] + [start]))
    return cycles


def circle_problems(graph, witness, what):
    """One problem per circle of @graph, each step shown by the include or call that makes it."""
    out = []
    for members, cycle in circles(graph):
        steps = ["%s (%s)" % (" -> ".join(cycle[i:i + 2]), witness[(cycle[i], cycle[i + 1])])
                 for i in range(len(cycle) - 1)]
        out.append("%s between folders %s, e.g. %s\n  %s"
                   % (what, ", ".join(members), " -> ".join(cycle), "\n  ".join(steps)))
    return out


def check(root):
    rules, problems = read_rules(root)
    idirs = makefile_include_dirs(root)
    graph, witness = {}, {}
    for src in source_files(root):
        sf = folder_of(src, rules)
        if sf is None:
            problems.append("%s: its folder has no rule in scripts/layers*.conf" % src)
            continue
        for n, kind, name in includes_of(root, src):
            for target in resolve(root, src, kind, name, idirs):
                tf = folder_of(target, rules)
                if tf == sf:
                    continue
                if tf is not None:
                    graph.setdefault(sf, set()).add(tf)
                    witness.setdefault((sf, tf), "%s:%d includes %s" % (src, n, target))
                rule = rules[sf]
                if tf is None:
                    problems.append("%s:%d: includes %s, which is in no folder of "
                                    "scripts/layers*.conf" % (src, n, target))
                elif not allows(rule, target):
                    problems.append("%s:%d: includes %s: %s may not use %s (rule %s: %s: %s)"
                                    % (src, n, target, sf, tf, ", ".join(rule.where), sf,
                                       " ".join(rule.allowed) or "(nothing)"))
    return problems + circle_problems(graph, witness, "circle"), graph


def object_symbols(objdir):
    """{object: (defined, undefined)} of every .o under @objdir, by `nm`."""
    import subprocess
    out = {}
    for dirpath, dirnames, filenames in os.walk(objdir):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".o"):
                continue
            path = os.path.join(dirpath, name)
            text = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
            defined, undefined = set(), set()
            for line in text.splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0] == "U":
                    undefined.add(parts[1])
                elif len(parts) == 3 and parts[1] in "TDBRCVWGS":
                    defined.add(parts[2])
            out[os.path.relpath(path, objdir)] = (defined, undefined)
    return out


def check_calls(root, objdir):
    """The same rules for calls: an object of the build (@objdir/FOLDER/NAME.o, built from
    FOLDER/NAME.c) may use symbols only of objects its folder may include."""
    rules, problems = read_rules(root)
    objs = object_symbols(objdir)
    owner = {}
    for obj in sorted(objs):
        for sym in objs[obj][0]:
            owner.setdefault(sym, obj)
    graph, witness = {}, {}
    for obj in sorted(objs):
        src = obj[:-2] + ".c"
        sf = folder_of(src, rules)
        if sf is None:
            continue
        for sym in sorted(objs[obj][1]):
            if sym not in owner:
                continue   # a library's
            if under(src, LIBBPF_PROGRAM) and sym.startswith("bpf_"):
                continue   # libbpf's API, which libscxsim's helpers share names with
            target = owner[sym][:-2] + ".c"
            tf = folder_of(target, rules)
            if tf is None or tf == sf:
                continue
            graph.setdefault(sf, set()).add(tf)
            witness.setdefault((sf, tf), "%s calls %s of %s" % (src, sym, target))
            if not allows(rules[sf], target):
                problems.append("%s uses %s, defined in %s: %s may not use %s (rule %s)"
                                % (src, sym, target, sf, tf, ", ".join(rules[sf].where)))
    return problems + circle_problems(graph, witness, "circle of calls"), graph


def main(argv):
    args = argv[1:]
    objdir = None
    if len(args) >= 2 and args[0] == "--calls":
        objdir = os.path.abspath(args[1])
        args = args[2:]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..")
    root = os.path.abspath(root)
    problems, graph = check(root)
    if objdir:
        call_problems, call_graph = check_calls(root, objdir)
        problems += call_problems
    for p in problems:
        print("check-layers: " + p)
    if problems:
        print("check-layers: %d problem(s) in %s" % (len(problems), root))
        return 1
    edges = sum(len(v) for v in graph.values())
    print("check-layers: ok (%d folders, %d folder-to-folder includes, no circle)"
          % (len(graph), edges))
    if objdir:
        print("check-layers: calls ok (%d folder-to-folder uses in %s, no circle)"
              % (sum(len(v) for v in call_graph.values()), objdir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
