#!/usr/bin/env bash
# Run by the Maven build (initialize phase, once at the root): makes a llama.cpp v0.5.0
# native library available under build/natives/ before anything needs it.
#   - llama.cpp submodule checked out and cmake present: builds it (scripts/build-llama-cpp.sh)
#     into build/natives/cmake/, with any options given in PANAMA_LLAMA_CMAKE_ARGS
#     (e.g. "-DGGML_CUDA=ON"); the tests module builds the fetched v0.5.0 tree for its second
#     test pass instead, leaving build/natives/cmake/ alone;
#   - always: the pinned prebuilt release and headers (scripts/fetch-natives.sh), which the
#     loader falls back to and the native test harnesses compile against.
# PANAMA_LLAMA_SKIP_CMAKE=1 skips the submodule build.
# Usage: scripts/supply-natives.sh [--help]
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  ?*) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ -f "$root/llama.cpp/CMakeLists.txt" ] && [ -z "${PANAMA_LLAMA_SKIP_CMAKE:-}" ]; then
  if command -v cmake >/dev/null; then
    "$root/scripts/build-llama-cpp.sh"
  else
    echo "warning: llama.cpp submodule present but cmake not found; using the prebuilt release" >&2
  fi
fi

"$root/scripts/fetch-natives.sh"
