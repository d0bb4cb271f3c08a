#!/usr/bin/env bash
# README command (1): on a fresh Debian/Ubuntu machine, installs what the build needs, builds
# everything (fetching the pinned llama.cpp, or building the submodule when checked out, and
# making the built-in tiny-Mistral model), then runs the main example: which llama.cpp this is,
# and a streamed completion on the built-in model.
# Usage: JAVA_HOME=/path/to/jdk-22+ scripts/quickstart.sh [PROMPT]
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-prerequisites.sh"
cd "$root"
./mvnw -q -B install -DskipTests
scripts/example info
echo
exec scripts/example generate "${@:-Once upon a time}" --max-tokens 48 --seed 42
