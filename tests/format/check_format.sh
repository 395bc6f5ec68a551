#!/usr/bin/env bash
# Fails when a C++ file of the repository is not formatted by the repo's .clang-format.
set -euo pipefail
repo=$1
cd "$repo"
command -v clang-format >/dev/null || { echo "clang-format is not installed (deploy/dev installs it)"; exit 1; }
mapfile -t files < <(git ls-files '*.cc' '*.h' 2>/dev/null || find services gateway tests \( -name '*.cc' -o -name '*.h' \))
bad=()
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  printf 'not clang-formatted (run clang-format -i on them):\n'; printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "${#files[@]} files formatted"
