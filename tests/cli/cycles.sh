#!/bin/bash
# tests/cli/cycles.sh - no circle of files in core/ and cli/
# (docs/ARCHITECTURE.md "core/, by part"): for the objects of libwscore.a
# and libwscli.a, a file A depends on file B when A uses a symbol B
# defines; the graph must have no cycle.  The one kind of edge left out is
# a table's reference to its rows (core/launch/modes.c -> mode_<id>.c: the
# row is found through the table and calls down into the helpers).  It
# first proves itself on a graph with a cycle.
. "$(dirname "$0")/../lib/assert.sh"
BUILD=$(dirname "$WS_BIN")
needs "binutils coreutils" nm tsort
libs=("$BUILD/libwscore.a" "$BUILD/libwscli.a")
for l in "${libs[@]}"; do [ -f "$l" ] || { bad "no $l (build first)"; exit 1; }; done

# edges: "FROM TO" per line, from nm's defined and undefined symbols
edges() {
  nm -A "$@" 2>/dev/null | awk '
    { split($1, p, ":"); obj = p[2]; sub(/\.c\.o$/, "", obj) }
    NF == 3 && $2 ~ /^[TDRB]$/ { def[$3] = obj; next }
    NF == 3 && $2 == "U" { n++; uo[n] = obj; us[n] = $3 }
    END { for (i = 1; i <= n; i++) if ((us[i] in def) && def[us[i]] != uo[i]) print uo[i], def[us[i]] }' |
    sort -u | grep -vE '^modes mode_[a-z]+$'
}
# loops FILE: the files tsort finds in a cycle, one per line ("" when none)
loops() { tsort "$1" 2>&1 >/dev/null | grep -v 'input contains a loop' | sed 's/^tsort: //'; }

printf 'a b\nb c\nc a\n' >"$T_TMP/cyc"
[ -n "$(loops "$T_TMP/cyc")" ] && ok || bad "tsort did not report a known cycle"
printf 'a b\nb c\n' >"$T_TMP/dag"
[ -z "$(loops "$T_TMP/dag")" ] && ok || bad "tsort reported a cycle in a DAG"

edges "${libs[@]}" >"$T_TMP/edges"
[ "$(wc -l <"$T_TMP/edges")" -gt 50 ] && ok || bad "too few edges read from the libraries: $(wc -l <"$T_TMP/edges")"
out=$(loops "$T_TMP/edges")
[ -z "$out" ] && ok || bad "files in a cycle (A uses B uses ... A):
$out"
