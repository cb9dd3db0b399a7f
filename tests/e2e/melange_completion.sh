#!/usr/bin/env bash
# `melange completion` and `apko completion` for bash, zsh and fish: every script passes its
# shell's syntax check (zsh and fish when installed: scripts/install-deps.sh test), and
# completing drives the real command trees: `melange b<TAB>` gives `build bump`, nested
# `melange source <TAB>` gives `get pop`, flags and IsMember choices are offered; fish's
# `complete -C` answers the same. A bad shell name is a one-line usage error.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

for tool in melange apko; do
  bin=$MELANGE
  [ "$tool" = apko ] && bin=$APKO
  for sh in bash zsh fish; do
    "$bin" completion "$sh" > "$tool.$sh" || fail "$tool completion $sh failed"
    [ -s "$tool.$sh" ] || fail "$tool completion $sh printed nothing"
  done
  bash -n "$tool.bash" || fail "bash -n rejects the $tool bash script"
  if command -v zsh >/dev/null; then zsh -n "$tool.zsh" || fail "zsh -n rejects the $tool zsh script"; fi
  if command -v fish >/dev/null; then fish -n "$tool.fish" || fail "fish -n rejects the $tool fish script"; fi
done

# bash: load the script as a user would, then ask the completion function.
complete_bash() {  # complete_bash TOOL WORD... (the last word is the one being completed)
  local tool=$1
  shift
  bash --norc -c '
    source "$1"; shift
    complete -p "$1" >/dev/null || { echo "no complete spec for $1" >&2; exit 1; }
    spec=$(complete -p "$1"); fn=${spec#*-F }; fn=${fn%% *}
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$WORK/$tool.bash" "$tool" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {  # expect WANT GOT WHAT
  [ "$2" = "$1" ] || fail "$3: expected '$1', got '$2'"
}
bash --norc -c "source $WORK/melange.bash && complete -p melange" | grep -x 'complete -F _melange melange' >/dev/null ||
  fail "the bash script does not register _melange"
expect "build bump" "$(complete_bash melange melange b)" "melange b<TAB>"
expect "get pop" "$(complete_bash melange melange source '')" "melange source <TAB>"
expect "rebuild" "$(complete_bash melange melange reb)" "melange reb<TAB>"
expect "--signing-key" "$(complete_bash melange melange build --signing)" "melange build --signing<TAB>"
expect "--log-level" "$(complete_bash melange melange --log)" "melange --log<TAB>"
expect "bash" "$(complete_bash melange melange completion ba)" "melange completion ba<TAB>"
expect "scan" "$(complete_bash melange melange --log-level debug sc)" "an option's value is skipped"
expect "--out-dir" "$(complete_bash melange melange rebuild --out)" "melange rebuild --out<TAB>"
touch conf.yaml
expect "conf.yaml" "$(complete_bash melange melange build con)" "file names for the config argument"
expect "publish" "$(complete_bash apko apko publ)" "apko publ<TAB>"
expect "completion" "$(complete_bash apko apko compl)" "apko compl<TAB>"

if command -v fish >/dev/null; then
  out=$(fish --no-config -c "source $WORK/melange.fish; complete -C 'melange b'" | cut -f1 | sort | tr '\n' ' ')
  expect "build bump " "$out" "fish: melange b<TAB>"
  out=$(fish --no-config -c "source $WORK/melange.fish; complete -C 'melange source '" | cut -f1 | sort | tr '\n' ' ')
  expect "get pop " "$out" "fish: melange source <TAB>"
  fish --no-config -c "source $WORK/apko.fish; complete -C 'apko build --'" | grep -- '^--arch' >/dev/null ||
    fail "fish: apko build -- does not offer --arch"
fi

if command -v zsh >/dev/null; then
  # Not interactive, so only the node table is checked: the path `source` has get and pop.
  out=$(zsh -f -c "source $WORK/melange.zsh 2>/dev/null; _melange_node source; print -r -- \${_melange_subs%%:*}")
  expect "get pop" "$out" "zsh: subcommands of melange source"
fi

expect_fail 'shell: powershell not in {bash,zsh,fish}' "$MELANGE" completion powershell
echo "ok: completion scripts for bash, zsh and fish (melange and apko)"
