#!/usr/bin/env bash
# Builds llama.cpp v0.5.0 from source with the project's CMakeLists.txt: the libraries the Java
# loader loads (libllama, libggml with the host's CPU backend and the RPC backend) and
# ggml-rpc-server. The source is the llama.cpp/ submodule when checked out, otherwise the v0.5.0
# tree scripts/fetch-natives.sh unpacks into build/llama.cpp-v0.5.0. ccache, when installed,
# makes a rebuild on the same machine quick.
#
# Usage: scripts/build-llama-cpp.sh [--test-home DIR] [-- CMAKE_ARGS...]
#   (default)         build/cmake -> build/natives/cmake, which the loader prefers to the prebuilt
#   --test-home DIR   build/cmake-source -> DIR/build/natives/cmake, the rest of DIR linked to this
#                     checkout (sources, fixtures, headers, build/natives/prebuilt): a checkout
#                     view whose loader finds both builds, for the Maven build's second test
#                     pass (tests/pom.xml); this checkout's own loader precedence is left alone.
#   CMAKE_ARGS        passed to cmake's configure step, e.g. -DGGML_VULKAN=ON (also taken from
#                     PANAMA_LLAMA_CMAKE_ARGS). For CUDA use scripts/build-llama-cpp-cuda.sh: it
#                     finds a toolkit with cuBLAS, builds one architecture and checks the result.
# Without cmake or a C++ compiler it says what is missing and exits 0, or 1 when CI is set.
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
root="$(cd "$(dirname "$0")/.." && pwd)"
test_home=""
while [ $# -gt 0 ]; do
  case "$1" in
    --test-home) test_home="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v c++ >/dev/null || command -v g++ >/dev/null || command -v clang++ >/dev/null || missing+=("a C++ compiler (g++)")
if [ ${#missing[@]} -gt 0 ]; then
  reason="llama.cpp source build skipped: ${missing[*]} not found; install with scripts/install-prerequisites.sh"
  if [ -n "${CI:-}" ]; then echo "error: $reason (CI must build it)" >&2; exit 1; fi
  echo "warning: $reason" >&2
  if [ -n "$test_home" ]; then mkdir -p "$test_home"; echo "$reason" > "$test_home/SKIPPED"; fi
  exit 0
fi

if [ -n "$test_home" ]; then
  mkdir -p "$test_home"
  test_home="$(cd "$test_home" && pwd)"
  rm -f "$test_home/SKIPPED"
  binary_dir="$root/build/cmake-source"
  cmake_args=(-DPANAMA_LLAMA_OUTPUT_DIR="$test_home/build/natives/cmake")
else
  binary_dir="$root/build/cmake"
  cmake_args=()
fi
# Ninja when installed (faster no-op rebuilds); an existing build directory keeps its generator.
if [ ! -f "$binary_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then cmake_args+=(-G Ninja); fi

start=$(date +%s)
# shellcheck disable=SC2086
cmake -S "$root" -B "$binary_dir" "${cmake_args[@]}" ${PANAMA_LLAMA_CMAKE_ARGS:-} "$@"
cmake --build "$binary_dir" --config Release -j "$(nproc 2>/dev/null || echo 2)"
echo "llama.cpp source build: $(( $(date +%s) - start )) s ($binary_dir)"

if [ -n "$test_home" ]; then
  # link DIR ENTRY...: links each entry of this checkout's DIR into the view, except
  # build/, the view itself and the CMake build directories
  link() {
    local dir="$1"; shift
    for entry in "$@"; do
      case "$(basename "$entry")" in build|source-build|natives|cmake|cmake-*) continue ;; esac
      [ "$entry" = "$test_home" ] || ln -sfn "$entry" "$test_home/$dir/$(basename "$entry")"
    done
  }
  mkdir -p "$test_home/build/natives"
  link . "$root"/*
  link build "$root"/build/*
  [ -d "$root/build/natives/prebuilt" ] && ln -sfn "$root/build/natives/prebuilt" "$test_home/build/natives/prebuilt"
fi
