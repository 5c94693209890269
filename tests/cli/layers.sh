#!/bin/bash
# tests/cli/layers.sh - core/'s parts include only downward
# (docs/ARCHITECTURE.md "core/, by part").
#
# Each folder core/X/ has exactly one header with a line
#   * Layer: may include A B ...
# naming the parts X may use.  The check fails when a file of core/X/
# includes another part's header that is not on that list (upward or
# across), when a bare include names a header that is not in X's own
# folder, when a part's *_internal.h is included from outside its folder,
# and when cli/, tui/ or tools/ include an internal header.  It first
# proves itself on a small tree with one upward include.
. "$(dirname "$0")/../lib/assert.sh"
SRC=${WS_SOURCE_DIR:?}

# layers_check ROOT: prints one line per violation under ROOT/core.
layers_check() {
	local root=$1 dir part f inc target allowed line n
	for dir in "$root"/core/*/; do
		part=$(basename "$dir")
		n=$(grep -l 'Layer: may include' "$dir"*.h 2>/dev/null | wc -l)
		[ "$n" -eq 1 ] || { echo "core/$part/: $n headers declare 'Layer: may include' (want 1)"; continue; }
		line=$(grep -h 'Layer: may include' "$dir"*.h | sed 's/.*Layer: may include//; s/(.*//')
		allowed=" "
		for w in $line; do [ -d "$root/core/$w" ] && allowed+="$w "; done
		for f in "$dir"*.[ch]; do
			while IFS= read -r inc; do
				case $inc in
				*/*)
					target=${inc%%/*}
					if [ "$target" = "$part" ]; then
						echo "${f#"$root"/}: includes its own part as \"$inc\" (use the bare name)"
					elif [ ! -d "$root/core/$target" ]; then
						:   # not a part of core (a system-style path)
					elif [[ $allowed != *" $target "* ]]; then
						echo "${f#"$root"/}: includes \"$inc\": core/$part/ may include only:${allowed% }"
					elif [[ $inc == *_internal.h ]]; then
						echo "${f#"$root"/}: includes \"$inc\", another part's internal header"
					fi ;;
				*)
					[ -e "$dir$inc" ] || echo "${f#"$root"/}: bare include \"$inc\" is not in core/$part/"
					;;
				esac
			done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
		done
	done
	for f in "$root"/cli/*.[ch] "$root"/tui/*.[ch] "$root"/tools/*.[ch]; do
		[ -e "$f" ] || continue
		grep -Hn '#[[:space:]]*include[[:space:]]*"[a-z]*/[a-z_]*_internal\.h"' "$f" |
			sed "s|^$root/||; s|\$|: a part's internal header outside core/|"
	done
}

# The check itself must fail on a violation.
tmp=$T_TMP/tree
mkdir -p "$tmp/core/base" "$tmp/core/engine"
printf '/* Layer: may include nothing */\n' >"$tmp/core/base/b.h"
printf '/* Layer: may include base */\n#include "base/b.h"\n' >"$tmp/core/engine/e.h"
[ -z "$(layers_check "$tmp")" ] && ok || bad "a downward include was reported: $(layers_check "$tmp")"
printf '#include "engine/e.h"\n' >"$tmp/core/base/up.c"
out=$(layers_check "$tmp")
[[ $out == *'core/base/up.c: includes "engine/e.h"'* ]] && ok || bad "an upward include was not reported: '$out'"
printf '#include "e.h"\n' >"$tmp/core/base/up.c"
out=$(layers_check "$tmp")
[[ $out == *'bare include "e.h" is not in core/base/'* ]] && ok || bad "a bare cross-part include was not reported: '$out'"

# The real tree.
out=$(layers_check "$SRC")
[ -z "$out" ] && ok || bad "layer violations:
$out"
parts=$(find "$SRC/core" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$parts" -ge 6 ] && ok || bad "core/ has $parts parts, expected its folders"
[ -z "$(find "$SRC/core" -maxdepth 1 -type f -name '*.[ch]')" ] && ok || bad "C files directly in core/ (each belongs to a part)"
