#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The table `make coverage` prints (scripts/coverage.sh).

From a merged lcov trace: lines, functions and branches per file of
drivers/fpga/vfio-dfl/, then the lines the series adds to
drivers/fpga/dfl.c (from the series' diff of that file), then every one
of those lines gcov counts as executable that never ran, with its text.
"""
import argparse
import collections
import os
import re
import sys

VFIO_DFL = "drivers/fpga/vfio-dfl/"
DFL_C = "drivers/fpga/dfl.c"
KUNIT_SUFFIX = "_test.c"


class FileCov:
    def __init__(self):
        self.lines = {}          # line -> count
        self.funcs = {}          # name -> count
        self.branches = {}       # (line, block, branch) -> taken (0 if '-')

    def merge_line(self, n, c):
        self.lines[n] = self.lines.get(n, 0) + c


def rel_path(path):
    """A source path as the tree names it (drivers/...), or None."""
    m = re.search(r"(?:^|/)(drivers/fpga/.*)$", path)
    return m.group(1) if m else None


def read_info(path):
    files = collections.defaultdict(FileCov)
    cur = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("SF:"):
                name = rel_path(os.path.normpath(line[3:]))
                cur = files[name] if name else None
            elif cur is None:
                continue
            elif line.startswith("DA:"):
                n, c = line[3:].split(",")[:2]
                cur.merge_line(int(n), int(c))
            elif line.startswith("FNDA:"):
                c, name = line[5:].split(",", 1)
                cur.funcs[name] = cur.funcs.get(name, 0) + int(c)
            elif line.startswith("FN:"):
                cur.funcs.setdefault(line[3:].split(",", 1)[1], 0)
            elif line.startswith("BRDA:"):
                ln, blk, br, taken = line[5:].split(",")
                key = (int(ln), blk, br)
                t = 0 if taken == "-" else int(taken)
                cur.branches[key] = cur.branches.get(key, 0) + t
    return files


def series_lines(diff_path):
    """The new-side line numbers the series adds to dfl.c."""
    added = set()
    with open(diff_path) as f:
        for line in f:
            m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
            if m:
                start, count = int(m.group(1)), int(m.group(2) or 1)
                added.update(range(start, start + count))
    return added


def pct(a, b):
    return "%d/%d (%.1f%%)" % (a, b, 100.0 * a / b) if b else "0/0"


def row(name, fc, only=None):
    lines = {n: c for n, c in fc.lines.items() if only is None or n in only}
    hit = sum(1 for c in lines.values() if c > 0)
    br = {k: t for k, t in fc.branches.items() if only is None or k[0] in only}
    brhit = sum(1 for t in br.values() if t > 0)
    funcs = "%d/%d" % (sum(1 for c in fc.funcs.values() if c > 0), len(fc.funcs)) \
        if only is None else "-"
    return (name, pct(hit, len(lines)), funcs, pct(brhit, len(br))), hit, len(lines)


def source_line(src, rel, n):
    try:
        with open(os.path.join(src, rel), errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == n:
                    return text.rstrip()
    except OSError:
        pass
    return "?"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--info", required=True, help="merged lcov trace")
    p.add_argument("--src", required=True, help="the source tree the kernel was built from")
    p.add_argument("--series-diff", required=True,
                   help="the series' diff of drivers/fpga/dfl.c (git diff -U0)")
    a = p.parse_args()

    files = read_info(a.info)
    ours = sorted(n for n in files if n.startswith(VFIO_DFL) and n.endswith(".c"))
    # every C file of the driver's directory has a record (coverage.sh
    # merges lcov's zero-count capture of the build): a file without one
    # was not built with gcov, and its absence would raise the total
    src_dir = os.path.join(a.src, VFIO_DFL)
    missing = sorted(VFIO_DFL + f for f in os.listdir(src_dir)
                     if f.endswith(".c") and VFIO_DFL + f not in files)
    if missing:
        sys.exit("coverage-report: no gcov record for %s" % " ".join(missing))
    added = series_lines(a.series_diff)

    # The KUnit test is in the directory, but it is test code: its own
    # row, outside the driver's total.
    rows, kunit_rows, hit_all, n_all = [], [], 0, 0
    for n in ours:
        r, hit, tot = row(n, files[n])
        if n.endswith(KUNIT_SUFFIX):
            kunit_rows.append((r[0] + " (KUnit, not in the total)",) + r[1:])
            continue
        rows.append(r)
        hit_all += hit
        n_all += tot
    rows.append(("vfio-dfl (the driver's files)", pct(hit_all, n_all), "", ""))
    rows += kunit_rows
    if DFL_C in files:
        r, _, _ = row(DFL_C + " (the series' lines)", files[DFL_C], added)
        rows.append(r)
    widths = [max(len(r[i]) for r in rows + [("file", "lines", "functions", "branches")])
              for i in range(4)]
    fmt = "  ".join("%%-%ds" % w for w in widths)
    print(fmt % ("file", "lines", "functions", "branches"))
    for r in rows:
        print(fmt % r)

    print("\nlines never executed:")
    for n in ours + [DFL_C]:
        fc = files.get(n)
        if fc is None:
            continue
        for ln in sorted(fc.lines):
            if fc.lines[ln] == 0 and (n != DFL_C or ln in added):
                print("%s:%d: %s" % (n, ln, source_line(a.src, n, ln).strip()))
    print("\nfunctions never entered:")
    for n in ours:
        for fn, c in sorted(files[n].funcs.items()):
            if c == 0:
                print("%s: %s" % (n, fn))


if __name__ == "__main__":
    main()
