#!/bin/bash
# The man page and the bash/zsh/fish completions (generated at build time by
# tools/gen-docs into <build>/gen): they render, they document every command,
# option, mode, check, exit code and environment variable the program has,
# what they offer is exactly what the parser accepts (per command and per
# mode), and each shell really completes with them.
. "$(dirname "$0")/../lib/assert.sh"
needs "groff-base mandoc zsh fish jq" groff mandoc zsh fish jq
: "${WS_SOURCE_DIR:?}"
GEN=${WS_GEN_DIR:-$(dirname "$WS_BIN")/gen}
export HOME=$T_TMP/home XDG_CONFIG_HOME=$T_TMP/xdg DOCKER_HOST=unix://$T_TMP/no-daemon.sock DOCKER_CONTEXT= DOCKER_CONFIG=$T_TMP/dc
mkdir -p "$HOME" "$XDG_CONFIG_HOME/ws-launch/themes"
# The real binary for the completion helpers (profile list): WS_BIN may be a
# wrapper (valgrind); it is what the completions call.
mkdir -p "$T_TMP/bin" && ln -s "$WS_BIN" "$T_TMP/bin/ws-launch"
export PATH=$T_TMP/bin:$PATH

for f in ws-launch.1 ws-launch.bash _ws-launch ws-launch.fish; do
  [ -s "$GEN/$f" ] && ok || bad "$GEN/$f was not generated"
done
. "$GEN/ws-launch.bash" || bad "the bash completion does not source"

# ---- the man page ----------------------------------------------------------
warn=$(groff -man -Tutf8 -ww -z "$GEN/ws-launch.1" 2>&1)
[ -z "$warn" ] && ok || bad "groff warnings: $warn"
lint=$(mandoc -Tlint "$GEN/ws-launch.1" 2>&1)
[ -z "$lint" ] && ok || bad "mandoc -Tlint: $lint"
text=$(groff -man -Tascii -P-cbou "$GEN/ws-launch.1" 2>/dev/null)
has() { case $text in *"$1"*) ok ;; *) bad "man page lacks [$1]" ;; esac; }
for s in NAME SYNOPSIS DESCRIPTION COMMANDS MODES "LAUNCH OPTIONS" "GLOBAL OPTIONS" CHECKS "EXIT STATUS" \
         ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do has "$s"; done
for c in $_ws_launch_commands; do has "ws-launch $c"; done
for m in $_ws_launch_modes; do has "Mode $m"; done
# every flag the completions know (all commands, all modes)
all_flags=" $_ws_launch_globals"
for c in $_ws_launch_commands; do v=_ws_launch_flags_$c; all_flags+=" ${!v}"; done
all_flags+=" $_ws_launch_launch_common"
for m in $_ws_launch_modes; do v=_ws_launch_launch_$m; all_flags+=" ${!v}"; done
for f in $all_flags; do has "$f"; done
# ... and the other way round: every option heading of the man page is known
# (prose may name docker's own flags, such as --privileged).
headings=$(groff -man -Tascii -P-cbou -rLL=300n -rHY=0 "$GEN/ws-launch.1" 2>/dev/null | grep -E '^ {7}(-[a-zA-Z], )?--[a-z]')
[ -n "$headings" ] && ok || bad "no option headings in the man page"
for f in $(printf '%s\n' "$headings" | grep -oE -- '(^| )--[a-z][a-z-]*[a-z]([ ,]|$)' | tr -d ' ,' | sort -u); do
  case " $all_flags " in *" $f "*) ok ;; *) bad "man page names $f, which no command takes" ;; esac
done
for code in 0 1 2 130; do
  printf '%s\n' "$text" | sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' | grep -qE "^ +$code( |$)" && ok || bad "exit code $code undocumented"
done
# every environment variable the code reads (PATH and TERM are not ours)
for v in $(grep -ohE 'getenv\("[A-Z_]+"\)' "$WS_SOURCE_DIR"/core/*/*.c "$WS_SOURCE_DIR"/cli/*.c "$WS_SOURCE_DIR"/tui/*.c |
           sed 's/getenv("\(.*\)")/\1/' | sort -u); do
  case $v in PATH|TERM) continue ;; esac
  printf '%s\n' "$text" | sed -n '/^ENVIRONMENT/,/^FILES/p' | grep -q "$v" && ok || bad "environment variable $v undocumented"
done
check_ids=$(grep -oE '\[CK_[A-Z_]+\] = \{ \.id = CK_[A-Z_]+, \.name = "[a-z.]+"' "$WS_SOURCE_DIR/core/checks/checks.c" | grep -oE '"[a-z.]+"' | tr -d '"')
[ -n "$check_ids" ] && ok || bad "no check ids found in core/checks/checks.c"
for id in $check_ids; do has "$id"; done

# ---- the parser accepts exactly what is documented -------------------------
# Pass 1 of the parser rejects unknown flags before doing anything, so a
# known flag followed by --zz-unknown must fail on --zz-unknown.
takes_value() { [[ $_ws_launch_value_flags == *" $1 "* ]]; }
known() {   # known CMD... FLAG
  local flag=${*: -1} args=("${@:1:$#-1}")
  if takes_value "$flag"; then run "${args[@]}" "$flag" x --zz-unknown; else run "${args[@]}" "$flag" --zz-unknown; fi
  [ "$rc" -eq 2 ] && [[ $err == *"--zz-unknown"* ]] && ok || bad "'${args[*]} $flag' is documented but refused: $err"
}
for c in check print up; do
  v=_ws_launch_flags_$c
  for f in ${!v} $_ws_launch_launch_common; do known "$c" "$f"; done
done
for f in $_ws_launch_flags_profile $_ws_launch_launch_common; do known profile save NAME "$f"; done
# down and modes parse by hand: real invocations that stop at validation
run down --name 'bad name' --volumes; expect_rc 2 "down --name/--volumes"; expect_err_has "--name" "down --name"
run down --profile nosuch; expect_rc 2 "down --profile"; expect_err_has "no profile named nosuch" "down --profile"
run modes --json; expect_rc 0 "modes --json"
for g in "--config /x" "--config=/x" "--theme x" "--theme=x" --no-color --no-colour; do
  run $g modes; expect_rc 0 "global $g"
done
run -h; expect_rc 0 "-h"; expect_out_has "Usage:" "-h"
run -V; expect_rc 0 "-V"; expect_out_has "ws-launch " "-V"
# Per mode: the mode's own options apply, other modes' options do not.
for m in $_ws_launch_modes; do
  v=_ws_launch_launch_$m
  mine=" ${!v} "
  for om in $_ws_launch_modes; do
    v=_ws_launch_launch_$om
    for f in ${!v}; do
      if takes_value "$f"; then run print "$m" "$f" 'x y'; else run print "$m" "$f"; fi
      if [[ $mine == *" $f "* ]]; then
        [[ $err != *"does not apply to mode"* ]] && ok || bad "print $m $f: documented for $m but refused: $err"
      else
        [[ $err == *"does not apply to mode $m"* ]] && ok || bad "print $m $f: not documented for $m but accepted: $err"
      fi
    done
  done
done
# `help COMMAND` lists the same command options as the completions.
for c in check print up profile; do
  v=_ws_launch_flags_$c
  run help "$c"
  got=$(printf '%s\n' "$out" | sed -n '/^Command options:/,/^$/p' | grep -oE '^  --[a-z-]+' | tr -d ' ' | sort | tr '\n' ' ')
  want=$(printf '%s\n' ${!v} | sort | tr '\n' ' ')
  [ "$got" = "$want" ] && ok || bad "help $c lists [$got], completions [$want]"
done

# Choices a usage line spells out ("--format shell|json") are the flag's.
for c in $_ws_launch_commands; do
  run help "$c"
  usage=$(printf '%s\n' "$out" | sed -n 's/^Usage: //p')
  for pair in $(printf '%s\n' "$usage" | grep -oE -- '--[a-z-]+ [a-z]+(\|[a-z]+)+'  | tr ' ' '='); do
    flag=${pair%%=*} listed=${pair#*=}
    REPLY=; _ws_launch_choices "$flag"
    [ "${listed//|/ }" = "$REPLY" ] && ok || bad "help $c: usage lists $flag $listed, the flag takes [$REPLY]"
  done
done

# ---- the shells ------------------------------------------------------------
run profile save devbox sysbox; expect_rc 0 "save a profile"
run profile save other.one tcp --host h.example; expect_rc 0 "save another profile"
printf 'version: 1\nroles:\n  text: { fg: default }\n' >"$XDG_CONFIG_HOME/ws-launch/themes/mine.yaml"

# bash: CASES are "words of the line | expected candidates" (the last word is
# being completed; bash splits at '=', as COMP_WORDBREAKS does).
cases=(
  "ws-launch pr|print profile"
  "ws-launch print t|tcp"
  "ws-launch print tcp --h|--help --host"
  "ws-launch print sysbox --ho|"
  "ws-launch print --format |shell json compose kube"
  "ws-launch print --format = j|json"
  "ws-launch up dind --net|--network"
  "ws-launch up dind --no-t|--no-tls"
  "ws-launch profile |list show save rm"
  "ws-launch profile show |devbox other.one"
  "ws-launch down --profile o|other.one"
  "ws-launch profile save new |$("$WS_BIN" modes --json | jq -r '[.[].id] | join(" ")')"
  "ws-launch --theme mi|mine"
  "ws-launch print --pull |auto always never"
  "ws-launch help p|print ps profile"
  "ws-launch -e A = b print s|sysbox socket ssh"
)
for c in "${cases[@]}"; do
  line=${c%%|*} want=${c#*|}
  read -ra COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _ws_launch
  got="${COMPREPLY[*]}"
  [ "$got" = "$want" ] && ok || bad "bash: [$line] completes to [$got], want [$want]"
done
COMP_WORDS=(ws-launch print tcp --cert-dir "$T_TMP/ho"); COMP_CWORD=4; COMPREPLY=(); _ws_launch
[ "${COMPREPLY[*]}" = "$T_TMP/home" ] && ok || bad "bash: --cert-dir completes to [${COMPREPLY[*]}]"

# zsh: the completion system finds _ws-launch, and its logic (with
# compadd/_files/compset recorded instead of drawn) gives the same answers.
if command -v zsh >/dev/null; then
  zsh -n "$GEN/_ws-launch" && ok || bad "zsh: syntax error in _ws-launch"
  mkdir -p "$T_TMP/zfunc" && cp "$GEN/_ws-launch" "$T_TMP/zfunc/"
  reg=$(zsh -fc "fpath=($T_TMP/zfunc \$fpath); autoload -Uz compinit; compinit -u -d $T_TMP/zcompdump; print -r -- \$_comps[ws-launch]")
  [ "$reg" = "_ws-launch" ] && ok || bad "zsh: compinit does not register _ws-launch ($reg)"
  zcases=$(printf '%s\n' "${cases[@]}" | grep -v ' = ')
  got=$(GEN=$GEN zsh -f -c '
    compdef() { : }
    compadd() {
      local arr=0
      while (( $# )); do case $1 in (-a) arr=1; shift ;; (--) shift; break ;; (-*) shift ;; (*) break ;; esac; done
      local -a got; local a
      if (( arr )); then for a in "$@"; do got+=(${(P)a}); done; else got=("$@"); fi
      print -rl -- ${(M)got:#${PREFIX}*}
    }
    _files() { print -r -- "<files $*>" }
    compset() { [[ $1 == -P ]] && PREFIX=${PREFIX#*=}; return 0 }
    source $GEN/_ws-launch
    while IFS="|" read -r line want; do
      words=(${=line}); [[ $line == *" " ]] && words+=("")
      CURRENT=$#words; PREFIX=$words[-1]
      print -r -- "$line|${(j: :)${(f)$(_ws-launch)}}"
    done' <<<"$zcases")
  while IFS= read -r c; do
    want=${c#*|} line=${c%%|*}
    g=$(printf '%s\n' "$got" | grep -F -x -- "$line|$want")
    [ -n "$g" ] && ok || bad "zsh: [$line] does not complete to [$want]: $(printf '%s\n' "$got" | grep -F -- "$line|")"
  done <<<"$zcases"
  got=$(GEN=$GEN zsh -f -c 'compdef() { : }; compadd() { : }; _files() { print -r -- "<files $*>" }
    source $GEN/_ws-launch; words=(ws-launch print tcp --cert-dir /t); CURRENT=5; PREFIX=/t; _ws-launch')
  [ "$got" = "<files -/>" ] && ok || bad "zsh: --cert-dir completes with [$got]"
else
  bad "zsh is not installed (tests/run.sh installs it)"
fi

# fish: complete -C asks fish itself.
if command -v fish >/dev/null; then
  fish --no-execute "$GEN/ws-launch.fish" && ok || bad "fish: syntax error in ws-launch.fish"
  norm() { printf '%s\n' "$@" | grep . | sort | tr '\n' ' '; }
  for c in "${cases[@]}"; do
    line=${c%%|*} want=${c#*|}
    # fish does not split at '=': it completes "--format=j" to "--format=json".
    line=${line// = /=}
    last=${line##* }
    if [[ $last == *=* ]]; then
      want=$(for w in $want; do printf '%s ' "${last%%=*}=$w"; done)
    fi
    got=$(fish -c 'source $argv[1]; complete -C $argv[2]' "$GEN/ws-launch.fish" "$line" 2>&1 | cut -f1)
    got=$(norm $got) want=$(norm $want)
    [ "$got" = "$want" ] && ok || bad "fish: [$line] completes to [$got], want [$want]"
  done
else
  bad "fish is not installed (tests/run.sh installs it)"
fi
