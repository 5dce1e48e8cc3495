#!/usr/bin/env python3
"""Writes docs/api.md: what the simulator gives a policy, read from the sources that define it.

  python3 scripts/gen-api.py > docs/api.md

- sched_ext callbacks: the function members of struct sched_ext_ops in sim/shim/vmlinux.h, and
  whether sim/scx calls each one (an `ops->NAME` in its code);
- kfuncs and BPF helpers: every function the shim headers declare (sim/shim/**/*.h) that a
  policy calls (bpf_*, scx_bpf_*, __scx_bpf_*), a BPF helper when the kernel's UAPI header
  (/usr/include/linux/bpf.h, the helper list that the kernel no longer extends) names it, else
  a kfunc; for each kfunc the kernels that have it, by the tables of sim/bpf/kernel_api.c
  (what bpf_ksym_exists() answers under --kernel);
- map types: enum bpf_map_type of the shim, supported or refused by sim/bpf/map.c's
  sim_bpf_map__type_supported().

tests/unit/test_api_doc.c regenerates it and fails when the committed file differs.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHIM = "sim/shim"
# kfuncs of the kernel the shim declares so that sources compile, which libscxsim does not
# implement: a policy that calls one fails to link
NOT_PROVIDED = SHIM + "/scx/kfuncs_extra.bpf.h"
UAPI = "/usr/include/linux/bpf.h"
KERNELS = ("6.12", "7.0", "7.2", "7.3")


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def top_level_statements(text):
    """The file's top-level statements, brace blocks removed (a block ends its statement)."""
    text = strip_comments(text)
    text = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    out, depth, cur = [], 0, []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                out.append("".join(cur))
                cur = []
        elif depth == 0:
            if ch == ";":
                out.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
    return [" ".join(s.split()) for s in out if s.strip()]


DECL_RE = re.compile(r"^(?:extern\s+)?(?P<ret>[\w\s\*]+?)\s*\b(?P<name>(?:__)?(?:scx_)?bpf_\w+)\s*\((?P<args>[^()]*)\)"
                     r"(?P<attrs>(?:\s*(?:__ksym|__weak|__attribute__\s*\(\(.*\)\)))*)\s*$")


def shim_functions():
    """{name: (signature, header)} of every function a shim header declares."""
    found = {}
    headers = []
    for dirpath, _, files in os.walk(os.path.join(ROOT, SHIM)):
        for f in files:
            if f.endswith(".h"):
                headers.append(os.path.relpath(os.path.join(dirpath, f), ROOT))
    # the simulator's own declarations first, then the scx-style and libbpf-style headers
    headers.sort(key=lambda h: (not h.startswith(SHIM + "/scxsim/"), h == NOT_PROVIDED, h))
    for rel in headers:
        for st in top_level_statements(read(rel)):
            if st.startswith(("static", "typedef")):
                continue
            m = DECL_RE.match(st)
            if not m or "(*" in st:
                continue
            name = m.group("name")
            sig = "%s %s(%s)" % (" ".join(m.group("ret").split()), name, m.group("args"))
            found.setdefault(name, (sig.replace("* ", "*").replace(" *", " *"), rel))
    return found


def uapi_helpers():
    try:
        with open(UAPI, encoding="utf-8") as f:
            return {"bpf_" + n for n in re.findall(r"\bFN\((\w+),", f.read())}
    except OSError:
        sys.exit("gen-api: %s is missing (Debian: linux-libc-dev): it lists the BPF helpers" % UAPI)


def c_string_array(text, name):
    m = re.search(r"\b%s\[\]\s*=\s*\{(.*?)\};" % re.escape(name), text, flags=re.S)
    if not m:
        sys.exit("gen-api: sim/bpf/kernel_api.c has no table %s" % name)
    return set(re.findall(r'"(\w+)"', m.group(1)))


def kernels_having(tables):
    """The rule of scxsim_ksym_exists() (sim/bpf/kernel_api.c) for one name, per kernel."""
    def essential(name):
        m = re.match(r"^(.*[^_])___[^_]\w*$", name)
        return m.group(1) if m else name

    def has(name):
        e = essential(name)
        return {
            "6.12": e not in tables["not_in_612"],
            "7.0": e not in tables["gone_in_72"] and e not in tables["not_in_70"],
            "7.2": e not in tables["gone_in_72"],
            "7.3": e not in tables["gone_in_72"] and e not in tables["gone_in_73"],
        }
    return has


def ops_callbacks():
    text = strip_comments(read(SHIM + "/vmlinux.h"))
    body = re.search(r"struct sched_ext_ops\s*\{(.*?)\};", text, flags=re.S).group(1)
    calls = set()
    for dirpath, _, files in os.walk(os.path.join(ROOT, "sim/scx")):
        for f in sorted(files):
            if f.endswith(".c"):
                calls |= set(re.findall(r"ops->(\w+)", strip_comments(read(os.path.join("sim/scx", f)))))
    out = []
    for m in re.finditer(r"([\w\s\*]+?)\(\*(\w+)\)\s*\(([^;]*)\)\s*;", body):
        out.append((m.group(2), "%s (*%s)(%s)" % (" ".join(m.group(1).split()), m.group(2),
                                                    " ".join(m.group(3).split())),
                    m.group(2) in calls))
    return out


def map_types():
    text = strip_comments(read(SHIM + "/vmlinux.h"))
    body = re.search(r"enum bpf_map_type\s*\{(.*?)\}", text, flags=re.S).group(1)
    types = re.findall(r"BPF_MAP_TYPE_(\w+)\s*=\s*(\d+)", body)
    mapc = strip_comments(read("sim/bpf/map.c"))
    fn = re.search(r"bool sim_bpf_map__type_supported\(.*?\n\}", mapc, flags=re.S).group(0)
    supported = set(re.findall(r"case BPF_MAP_TYPE_(\w+):", fn))
    return [(t, int(v), t in supported) for t, v in types if t != "UNSPEC"]


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main():
    funcs = shim_functions()
    helpers = uapi_helpers()
    api = read("sim/bpf/kernel_api.c")
    tables = {n: c_string_array(api, n) for n in ("not_in_612", "gone_in_72", "not_in_70", "gone_in_73")}
    has = kernels_having(tables)
    out = []
    w = out.append
    w("# What the simulator provides to a policy\n")
    w("Generated by `python3 scripts/gen-api.py > docs/api.md` from the shim headers (`sim/shim/`), "
      "the ops table the simulator calls (`sim/scx`), the kernel tables of `sim/bpf/kernel_api.c` "
      "and the map types of `sim/bpf/map.c`; do not edit (a test regenerates it and compares). "
      "A policy calling a function not listed here fails to link (`scxlab build` names it). "
      "What is modelled more simply than in the kernel is in `limits.md`.\n")

    cbs = ops_callbacks()
    w("## sched_ext callbacks (`struct sched_ext_ops`)\n")
    w("All of them can be set; \"no\" means the simulator never calls it (the event does not "
      "happen in a simulated run).\n")
    w(table(("callback", "signature", "called"),
            [("`%s`" % n, "`%s`" % s, "yes" if c else "no") for n, s, c in cbs]) + "\n")

    def kernel_cells(name):
        h = has(name)
        return tuple("yes" if h[k] else "-" for k in KERNELS)

    missing = sorted(n for n in funcs if funcs[n][1] == NOT_PROVIDED)
    funcs = {n: v for n, v in funcs.items() if n not in missing}
    scx = sorted(n for n in funcs if n.startswith(("scx_bpf_", "__scx_bpf_", "bpf_iter_scx_")))
    generic = sorted(n for n in funcs if n not in scx and n not in helpers)
    helper = sorted(n for n in funcs if n in helpers)
    kheader = ("kfunc",) + KERNELS + ("declared in",)
    w("## sched_ext kfuncs\n")
    w("The kernel columns are what `bpf_ksym_exists()` answers under `--kernel` (suffixed "
      "`___v2`/`___compat` names count as their base name, as libbpf matches them); the "
      "semantics are 7.2's in every case.\n")
    w(table(kheader, [("`%s`" % n,) + kernel_cells(n) + ("`%s`" % funcs[n][1],) for n in scx]) + "\n")
    w("## Kernel kfuncs the simulator does not provide\n")
    w("Declared in `%s` so that a source naming them compiles; a policy that calls one fails to "
      "link, with the name and the source line.\n" % NOT_PROVIDED)
    w(table(("kfunc", "signature"), [("`%s`" % n, "`%s`" % sig) for n, (sig, _) in
                                     sorted(shim_functions().items()) if n in missing]) + "\n")
    w("## Other kfuncs (cpumasks, tasks, cgroups, RCU, objects, arenas)\n")
    w(table(kheader, [("`%s`" % n,) + kernel_cells(n) + ("`%s`" % funcs[n][1],) for n in generic]) + "\n")
    w("## BPF helpers\n")
    w("Helpers are in every modelled kernel.\n")
    w(table(("helper", "signature", "declared in"),
            [("`%s`" % n, "`%s`" % funcs[n][0], "`%s`" % funcs[n][1]) for n in helper]) + "\n")
    w("## Map types\n")
    w("A map of a refused type fails the load with \"map 'NAME': map type N (TYPE) is not "
      "supported by the simulator\".\n")
    w(table(("type", "id", "simulator"),
            [("`BPF_MAP_TYPE_%s`" % t, str(v), "supported" if s else "refused") for t, v, s in map_types()]))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
