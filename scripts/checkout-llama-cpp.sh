#!/usr/bin/env bash
# Checks out the llama.cpp submodule at release v0.5.0 and records that commit as the
# submodule's gitlink (commit the result to pin it). Needs access to GitHub.
# Usage: scripts/checkout-llama-cpp.sh [--help]
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  ?*) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
tag=v0.5.0
url="$(git -C "$root" config -f .gitmodules submodule.llama.cpp.url)"
cd "$root"
if git ls-files --stage llama.cpp | grep -q '^160000'; then
  git submodule update --init llama.cpp
else
  rm -rf llama.cpp
  git clone --branch "$tag" --depth 1 "$url" llama.cpp
  git submodule absorbgitdirs llama.cpp 2>/dev/null || true
  git add llama.cpp
fi
actual="$(git -C llama.cpp describe --tags --exact-match 2>/dev/null || true)"
[ "$actual" = "$tag" ] || { echo "llama.cpp is at '${actual:-an untagged commit}', expected $tag" >&2; exit 1; }
echo "llama.cpp submodule at $tag ($(git -C llama.cpp rev-parse HEAD)); commit .gitmodules and llama.cpp to pin it"
