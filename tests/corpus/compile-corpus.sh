#!/usr/bin/env bash
# Compiles every recipe of a distribution with our melange and prints a table of failures by
# cause. Opt-in (not part of ctest): it needs a recipe tree that is not in this repository.
#
#   tests/corpus/compile-corpus.sh RECIPE_DIR [PIPELINE_DIR] [-j N]
#
# RECIPE_DIR holds the recipes as top-level *.yaml files (e.g. an export of wolfi-dev/os);
# PIPELINE_DIR defaults to RECIPE_DIR/pipelines. Each recipe runs through
#   melange compile --arch x86_64 --pipeline-dir PIPELINE_DIR RECIPE
# and a failure is grouped by its message with file names, line numbers and
# numbers masked, so one cause is one row. MELANGE names the binary (default: build/apps/melange/melange).
# Hidden files (wolfi-dev/os has .yam.yaml, its formatter's settings) are not recipes: skipped.
# Every failing recipe and its message go to $OUT (default /tmp/corpus-failures.txt).
# Exit status: 0 when every recipe compiled, 1 otherwise.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
melange=${MELANGE:-$here/../../build/apps/melange/melange}
jobs=2
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 1 ] || { echo "usage: $0 RECIPE_DIR [PIPELINE_DIR] [-j N]" >&2; exit 2; }
recipes=${args[0]}
pipelines=${args[1]:-$recipes/pipelines}
[ -d "$recipes" ] || { echo "$0: $recipes: not a directory" >&2; exit 2; }
[ -d "$pipelines" ] || { echo "$0: $pipelines: not a directory" >&2; exit 2; }
[ -x "$melange" ] || { echo "$0: $melange: not executable (set MELANGE)" >&2; exit 2; }
out=${OUT:-/tmp/corpus-failures.txt}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One line per recipe: "ok NAME" or "fail NAME<TAB>first error line".
compile_one() {
  local f=$1 name err
  name=$(basename "$f")
  if err=$("$melange" --log-level error compile --arch x86_64 --pipeline-dir "$pipelines" "$f" 2>&1 >/dev/null); then
    echo "ok $name"
  else
    err=$(printf '%s\n' "$err" | grep -v '^\s*$' | tail -n 1)
    printf 'fail %s\t%s\n' "$name" "$err"
  fi
}
export -f compile_one
export melange pipelines

find "$recipes" -maxdepth 1 -name '*.yaml' ! -name '.*' \( -type f -o -type l \) | sort |
  xargs -P "$jobs" -I{} bash -c 'compile_one "$1"' _ {} > "$work/results"

total=$(wc -l < "$work/results")
ok=$(grep -c '^ok ' "$work/results")
grep '^fail ' "$work/results" | sed 's/^fail //' | sort > "$out"
echo "compiled $ok of $total recipes ($recipes, pipelines $pipelines)"
if [ "$ok" -eq "$total" ]; then
  exit 0
fi
echo
echo "| recipes | cause (first example) |"
echo "|---|---|"
# The cause: the message without file names, line numbers, numbers and the "(used at ...)",
# "(its inputs: ...)", "(searched ...)" and hint parts, so one cause is one row.
normalize() {
  sed -E 's# \((used at|its inputs:|searched) [^)]*\)##g; s# \(hint: [^)]*\)##g; s#[^ ]*\.yaml(:[0-9]+)*:? ?##g; s#[0-9]+#N#g; s#^melange: error: ##'
}
cut -f2- "$out" |
  normalize |
  sort | uniq -c | sort -rn |
  while read -r n cause; do
    example=$(cut -f1 "$out" | paste - <(cut -f2- "$out" | normalize) |
      awk -F'\t' -v c="$cause" '$2 == c { print $1; exit }')
    printf '| %s | %s (%s) |\n' "$n" "$cause" "$example"
  done
echo
echo "every failure: $out"
exit 1
