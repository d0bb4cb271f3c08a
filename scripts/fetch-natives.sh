#!/usr/bin/env bash
# Fetches the pinned prebuilt llama.cpp v0.5.0 release (and the matching headers) with the
# ordinary npm client, checks each tarball against its pinned sha512, and unpacks it under
# build/ (ignored by git). Nothing fetched is ever committed.
#
# Usage: scripts/fetch-natives.sh [--variant cpu|cuda|vulkan|metal] [--headers-only] [--force]
#   build/natives/prebuilt/<platform>/   the libraries (libllama, libggml*, CPU backends)
#   build/llama.cpp-v0.5.0/              the v0.5.0 source tree: headers for bindings and
#                                        native test harnesses, vocab-only GGUF test data
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
variant=cpu; headers_only=false; force=false
while [ $# -gt 0 ]; do
  case "$1" in
    --variant) variant="$2"; shift 2 ;;
    --headers-only) headers_only=true; shift ;;
    --force) force=true; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# Pinned packages: name@version and the registry's sha512 integrity for that exact tarball.
# They are node-llama-cpp's builds of llama.cpp release v0.5.0 (MIT licensed).
headers_pkg="node-llama-cpp@3.22.1"
headers_sha="sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw=="
case "$(uname -s)-$(uname -m)-$variant" in
  Linux-x86_64-cpu)
    platform=linux-x64
    lib_pkg="@node-llama-cpp/linux-x64@3.22.1"
    lib_sha="sha512-5uCCDNqWCNfaAm8aR/Uzxbo4HBpKgNF91kCHPepKhgMgV2OAmatoefbOlMihsqCiH2Od35E/eUHQCFbfRBJuOg==" ;;
  Linux-x86_64-cuda)
    platform=linux-x64-cuda
    lib_pkg="@node-llama-cpp/linux-x64-cuda@3.22.1"
    lib_sha="sha512-8rQCjyNNLZJUFit+YpjwlC4hwkKgOMIkB2wuycKBf8NU2O3ySKbiWZQ8aw9ku2nUTXjSnUIrE6KB88itduTBuA==" ;;
  Linux-x86_64-vulkan)
    platform=linux-x64-vulkan
    lib_pkg="@node-llama-cpp/linux-x64-vulkan@3.22.1"
    lib_sha="sha512-bBxqU+JOcBu1nb5Qj2zcMci+JByT1E8EajHvYodyNfVIPkEhXh+/HMwR1/BT7xP08YK0hks+kM8fglER0P8JEg==" ;;
  Darwin-arm64-metal|Darwin-arm64-cpu)
    platform=mac-arm64-metal
    lib_pkg="@node-llama-cpp/mac-arm64-metal@3.21.1"
    lib_sha="sha512-6MIDAZV7DXD9R1+jEXWJkFuolni3GATGE6mmuyFYc6ZmtOh9djAy15df0T0AXK3sCmVKL+fQcOAWZezxx4MvQQ==" ;;
  *) echo "no pinned prebuilt llama.cpp for $(uname -s)-$(uname -m) variant $variant;" \
          "build the llama.cpp submodule (see README) or point PANAMA_LLAMA_LIBRARY_PATH at a build" >&2
     exit 1 ;;
esac

command -v npm >/dev/null || { echo "npm is needed to fetch the prebuilt llama.cpp (apt-get install npm)" >&2; exit 1; }

cache="$root/build/downloads"
mkdir -p "$cache"

# fetch PACKAGE EXPECTED_SHA -> prints the verified tarball's path
fetch() {
  local pkg="$1" expected="$2" tarball
  tarball="$(cd "$cache" && npm pack --silent "$pkg" | tail -1)"
  local actual="sha512-$(openssl dgst -sha512 -binary "$cache/$tarball" | base64 -w0)"
  if [ "$actual" != "$expected" ]; then
    rm -f "$cache/$tarball"
    echo "integrity mismatch for $pkg: expected $expected, got $actual" >&2
    exit 1
  fi
  echo "$cache/$tarball"
}

# unpack TARBALL SUBDIR DEST: replaces DEST with the tarball's package/SUBDIR
unpack() {
  local tmp; tmp="$(mktemp -d "$root/build/unpack.XXXXXX")"
  tar -xzf "$1" -C "$tmp"
  rm -rf "$3"; mkdir -p "$(dirname "$3")"
  mv "$tmp/package/$2" "$3"
  rm -rf "$tmp"
}

# The package's own licence (node-llama-cpp built these binaries) is kept beside them: the
# natives jar (natives/pom.xml) ships it with llama.cpp's notice.
libs="$root/build/natives/prebuilt/$platform"
if ! $headers_only && { $force || [ ! -f "$libs/.complete" ] || [ ! -f "$libs/LICENSE-node-llama-cpp.txt" ]; }; then
  tarball="$(fetch "$lib_pkg" "$lib_sha")"
  unpack "$tarball" "bins/$platform" "$libs"
  tar -xzOf "$tarball" package/LICENSE > "$libs/LICENSE-node-llama-cpp.txt"
  echo "$lib_pkg $lib_sha" > "$libs/.complete"
  echo "prebuilt llama.cpp v0.5.0 ($platform) in $libs"
fi

tree="$root/build/llama.cpp-v0.5.0"
if $force || [ ! -f "$tree/include/llama.h" ]; then
  bundle_dir="$root/build/node-llama-cpp"
  unpack "$(fetch "$headers_pkg" "$headers_sha")" "llama" "$bundle_dir"
  rm -rf "$tree"
  git clone --quiet "$bundle_dir/gitRelease.bundle" "$tree" 2>/dev/null
  rm -rf "$bundle_dir"
  echo "llama.cpp v0.5.0 headers in $tree"
fi
