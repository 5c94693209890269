# tests/bench/smaps.py - sourced into gdb stopped at the program's
# exit_group (tests/bench/lib.sh, private_mem): the process's memory by
# mapping from /proc/PID/smaps.  Prints VmHWM, then totals: Rss, Private
# (clean + dirty), and the dirty private pages - the memory this process
# made, which no other process can share - split into heap and anonymous
# mappings (every malloc, ours and the libraries'), the binary's own data,
# and the libraries' writable data (relocations, .data, .bss).  Private
# clean pages are file pages only this process maps at the moment (a
# library no other process has loaded): shared in principle, not ours.
import collections
import re

import gdb

pid = gdb.selected_inferior().pid
exe = gdb.selected_inferior().progspace.filename
groups = collections.defaultdict(lambda: {"Rss": 0, "Private_Clean": 0, "Private_Dirty": 0})
name = None
with open("/proc/%d/smaps" % pid) as f:
    for line in f:
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split(None, 5)
            name = parts[5].strip() if len(parts) > 5 else "[anon]"
            continue
        m = re.match(r"^(Private_Clean|Private_Dirty|Rss):\s+(\d+) kB", line)
        if m:
            groups[name][m.group(1)] += int(m.group(2))
hwm = [l.split()[1] for l in open("/proc/%d/status" % pid) if l.startswith("VmHWM")][0]
tot = {k: sum(g[k] for g in groups.values()) for k in ("Rss", "Private_Clean", "Private_Dirty")}
heap = sum(g["Private_Dirty"] for n, g in groups.items() if n in ("[heap]", "[anon]") or n.startswith("[anon:"))
own = sum(g["Private_Dirty"] for n, g in groups.items() if n == exe)
libs = sum(g["Private_Dirty"] for n, g in groups.items() if n.startswith("/") and n != exe)
print("SMAPS VmHWM=%s Rss=%d Private=%d Dirty=%d heap+anon=%d binary=%d libs=%d" % (
    hwm, tot["Rss"], tot["Private_Clean"] + tot["Private_Dirty"], tot["Private_Dirty"], heap, own, libs))
top = sorted(((g["Private_Dirty"], n) for n, g in groups.items() if n.startswith("/")), reverse=True)[:3]
print("SMAPS top library data: " + ", ".join("%s %d KiB" % (n.rsplit("/", 1)[-1], d) for d, n in top))
