#!/usr/bin/env bash
# The man page and the bash completion against the program's --help, read here again independently of
# cmake/help_docs.py, which made both from it at build time:
#   check_help_docs.sh man MINERISK MAN_PAGE          every command and every option of every --help is on the
#                                                     page, and groff formats it without a warning
#   check_help_docs.sh completion MINERISK SCRIPT     sourced in bash: commands, each command's options, an
#                                                     option's words, folders for -o, files for the scenario
set -euo pipefail
what="$1" exe="$2" file="$3"
fail=0
say() { if [[ "$1" == ok ]]; then echo "ok: $2"; else echo "FAIL: $2" >&2; fail=1; fi; }

commands=$("$exe" --help | sed -n '/^Subcommands:/,$p' | awk '/^  [a-z]/ {print $1}')
[[ -n "$commands" ]] || { echo "FAIL: no commands in $exe --help" >&2; exit 1; }
# The options of one --help ("" for the global ones), one a line: the first word of each entry, split at commas.
options_of() { "$exe" $1 --help | grep -E '^ +-' | awk '{print $1}' | tr ',' '\n' | sed '/^$/d'; }

if [[ "$what" == man ]]; then
  [[ -s "$file" ]] || { echo "FAIL: no man page at $file" >&2; exit 1; }
  text=$(groff -man -Tutf8 -P-cbou "$file" 2>/dev/null | sed 's/‐/-/g; s/−/-/g')
  warnings=$(groff -man -Tutf8 -ww -z "$file" 2>&1 || true)
  [[ -z "$warnings" ]] && say ok "groff formats the page without a warning" || say no "groff: $warnings"
  grep -q "minerisk $("$exe" --version | awk '{print $2}')" <<<"$text" && say ok "the page names the version" \
    || say no "the page does not name the version"
  for c in $commands; do
    grep -q "minerisk $c \[OPTIONS\]" <<<"$text" && say ok "command $c" || say no "the page lacks the command $c"
    for o in $(options_of "$c") $(options_of ""); do
      # Rendered with the hyphens groff prints; each option as a word of its own.
      grep -qE -- "(^|[ ,])$o([ ,]|$)" <<<"$text" || say no "the page lacks $c's option $o"
    done
  done
  [[ $fail -eq 0 ]] && say ok "every option of every --help is on the page"
  exit $fail
fi

# completion: COMPREPLY for a command line typed so far (the last word is the one being completed).
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _minerisk; printf "%s\n" "${COMPREPLY[@]}" | sort' \
    _ "$file" "$@"
}
sorted() { printf '%s\n' "$@" | sed '/^$/d' | sort; }
expect() {  # expect NAME WANT... -- WORDS...
  local name="$1"; shift
  local want=() ; while [[ "$1" != -- ]]; do want+=("$1"); shift; done; shift
  local got; got=$(complete_words "$@")
  [[ "$got" == "$(sorted "${want[@]}")" ]] && say ok "$name" || say no "$name: got [$(echo $got)], want [$(echo ${want[@]})]"
}
expect "minerisk r<TAB> gives run" run -- minerisk r
expect "minerisk <TAB> gives every command" $commands -- minerisk ""
expect "minerisk --pro<TAB> gives --progress" --progress -- minerisk --pro
expect "minerisk --progress <TAB> gives its words" auto bar gdal none -- minerisk --progress ""
for c in $commands; do
  expect "minerisk $c --<TAB> lists the options of $c --help" $(options_of "$c" | grep -- '^--') -- minerisk -q "$c" --
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/out-a" "$work/out-b"
touch "$work/scenario.yaml" "$work/other.txt"
expect "minerisk run -o <TAB> gives folders only" "$work/out-a" "$work/out-b" -- minerisk run -o "$work/out"
expect "minerisk run <TAB> gives files for the scenario" "$work/scenario.yaml" -- minerisk run "$work/sc"
expect "minerisk run --threads <TAB> offers nothing" -- minerisk run --threads ""
exit $fail
