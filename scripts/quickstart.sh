#!/usr/bin/env bash
# README command (1): on a fresh Debian/Ubuntu machine, installs what the build needs, builds
# everything (fetching the pinned llama.cpp, or building the submodule when checked out), and
# runs the main example.
# Usage: JAVA_HOME=/path/to/jdk-22+ scripts/quickstart.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-prerequisites.sh"
cd "$root"
./mvnw -q -B install -DskipTests
exec scripts/example info
