#!/bin/bash
# tests/package/deb.sh DEB - the Debian package built by cpack, installed
# into this system (root; tests/run.sh stage "deb"): its fields and
# Depends, its files, then `dpkg -i`, the installed binary, man page and
# completions as each shell finds them on its own, and `dpkg -r`, after
# which nothing of it is left.  Refuses to run when a ws-launch package is
# already installed (it would be replaced and then removed).
DEB=${1:?usage: deb.sh DEB}
export WS_BIN=/usr/bin/ws-launch
. "$(dirname "$0")/../lib/assert.sh"
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST= DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME"

if dpkg -s ws-launch >/dev/null 2>&1; then
  bad "a ws-launch package is already installed; remove it first (dpkg -r ws-launch)"
  exit 1
fi

# ---- the archive -----------------------------------------------------------
[ "$(dpkg-deb -f "$DEB" Package)" = ws-launch ] && ok || bad "Package field"
[ "$(dpkg-deb -f "$DEB" Architecture)" = "$(dpkg --print-architecture)" ] && ok || bad "Architecture field"
depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libc6 libcurl4 libyaml-0-2 libncursesw6; do
  printf '%s\n' "$depends" | tr ',' '\n' | grep -qE "^ *$lib( |$)" && ok || bad "Depends lacks $lib: $depends"
done
contents=$(dpkg-deb -c "$DEB" | awk '{print $6}')
for f in ./usr/bin/ws-launch ./usr/share/man/man1/ws-launch.1.gz \
         ./usr/share/doc/ws-launch/copyright ./usr/share/doc/ws-launch/changelog.gz ./usr/share/doc/ws-launch/README.md \
         ./usr/share/bash-completion/completions/ws-launch ./usr/share/zsh/vendor-completions/_ws-launch \
         ./usr/share/fish/vendor_completions.d/ws-launch.fish ./usr/share/ws-launch/themes/default.yaml \
         ./usr/share/ws-launch/themes/mono.yaml; do
  printf '%s\n' "$contents" | grep -qxF "$f" && ok || bad "package lacks $f"
done

# lintian: no error and no warning; hardening (bindnow, fortify) would be
# info tags, so they are looked for by name.
lint=$(lintian -I --pedantic "$DEB" 2>&1 | grep -v '^running with root privileges')
printf '%s\n' "$lint" | grep -qE '^[EW]: ' && bad "lintian: $lint" || ok
printf '%s\n' "$lint" | grep -qE 'hardening-' && bad "lintian hardening: $lint" || ok
[ "$(dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/share/doc/ws-launch/changelog.gz | gzip -dc | head -1)" = \
  "ws-launch ($(dpkg-deb -f "$DEB" Version)) unstable; urgency=medium" ] && ok || bad "changelog's newest entry is not the package's version"

# ---- installed -------------------------------------------------------------
remove() { dpkg -r ws-launch >"$T_TMP/dpkg-r.log" 2>&1; }
trap 'remove; t_cleanup' EXIT
if ! dpkg -i "$DEB" >"$T_TMP/dpkg-i.log" 2>&1; then
  bad "dpkg -i failed: $(tail -5 "$T_TMP/dpkg-i.log")"
  exit 1
fi
ok
run --version
expect_rc 0 "--version"
expect_out "ws-launch $(dpkg-deb -f "$DEB" Version)" "--version"
run print socket --group 1
expect_rc 0 "print socket --group 1"
expect_out_has "docker run -d" "print socket"
expect_out_has "--group-add 1" "print socket"
expect_out_has "-v /var/run/docker.sock:/var/run/docker.sock:ro" "print socket"
[ -n "$(ldd /usr/bin/ws-launch | grep 'not found')" ] && bad "unresolved libraries: $(ldd /usr/bin/ws-launch)" || ok

man=$T_TMP/ws-launch.1
gzip -dc /usr/share/man/man1/ws-launch.1.gz >"$man" || bad "man page is not gzip"
warn=$(groff -man -Tascii -ww -z "$man" 2>&1)
lint=$(mandoc -Tlint "$man" 2>&1)
[ -z "$lint" ] && ok || bad "man page: mandoc -Tlint: $lint"
grep -qE '^\.TH WS\\-LAUNCH 1 "[0-9]{4}-[0-9]{2}-[0-9]{2}"' "$man" && ok || bad "man page: no date in .TH: $(grep '^\.TH' "$man")"
[ -z "$warn" ] && ok || bad "man page: groff warnings: $warn"
groff -man -Tascii -P-cbou "$man" 2>/dev/null | grep -q 'ws-launch - launch Kloud Workspace' && ok || bad "man page: no NAME line"
groff -man -Tascii -P-cbou "$man" 2>/dev/null | grep -q '/usr/share/ws-launch/themes/' && ok ||
  bad "man page: FILES does not name the installed themes dir"

# Each shell, left to its own search paths, finds and uses the completion.
got=$(bash -c '. /usr/share/bash-completion/completions/ws-launch
  COMP_WORDS=(ws-launch print t); COMP_CWORD=2; _ws_launch; printf "%s " "${COMPREPLY[@]}"
  COMP_WORDS=(ws-launch --theme hi); COMP_CWORD=2; _ws_launch; printf "%s " "${COMPREPLY[@]}"')
[ "$got" = "tcp high-contrast " ] && ok || bad "bash completion: [$got]"
if command -v zsh >/dev/null; then
  got=$(zsh -fc 'autoload -Uz compinit; compinit -u -d '"$T_TMP"'/zcd; print -r -- $_comps[ws-launch]')
  [ "$got" = "_ws-launch" ] && ok || bad "zsh: the default fpath does not provide _ws-launch ($got)"
else
  bad "zsh is not installed"
fi
if command -v fish >/dev/null; then
  got=$(fish -c 'complete -C "ws-launch print tc"' | cut -f1)
  [ "$got" = "tcp" ] && ok || bad "fish: [$got]"
  got=$(fish -c 'complete -C "ws-launch --theme hi"' | cut -f1)
  [ "$got" = "high-contrast" ] && ok || bad "fish theme names: [$got]"
else
  bad "fish is not installed"
fi

# ---- removed ---------------------------------------------------------------
trap 't_cleanup' EXIT
remove && ok || bad "dpkg -r failed: $(cat "$T_TMP/dpkg-r.log")"
for f in /usr/bin/ws-launch /usr/share/man/man1/ws-launch.1.gz /usr/share/bash-completion/completions/ws-launch \
         /usr/share/zsh/vendor-completions/_ws-launch /usr/share/fish/vendor_completions.d/ws-launch.fish \
         /usr/share/ws-launch /usr/share/doc/ws-launch; do
  [ ! -e "$f" ] && ok || bad "$f left after dpkg -r"
done
