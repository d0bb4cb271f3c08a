#!/usr/bin/env bash
# Lays out one natives jar's content (run by natives/pom.xml; never run by hand in normal use):
#   OUT/natives/CLASSIFIER/   the run-time libraries of a prebuilt release, both licence notices,
#                             and natives.manifest listing every file with its SHA-256 and size
#   OUT/META-INF/services/    the jar's entry in panama-llama's service loader
#   OUT/META-INF/             the licence notices again, where licence tools look
#   OUT/<provider package>/   the provider class, copied from CLASSES
# Left out of the prebuilt release: node's addon (llama-addon.node), its build metadata, and
# libllama-common.so (llama.cpp's "common" helpers: libllama does not need it and panama-llama
# binds nothing from it).
#
# Usage: scripts/stage-natives.sh --from DIR --classifier C --os OS --arch ARCH --variant V
#          --llama-version X --provider FQCN --classes DIR --notice FILE --out DIR
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac

while [ $# -gt 0 ]; do
  case "$1" in
    --from) from="$2" ;; --classifier) classifier="$2" ;; --os) os="$2" ;; --arch) arch="$2" ;;
    --variant) variant="$2" ;; --llama-version) llama_version="$2" ;; --provider) provider="$2" ;;
    --classes) classes="$2" ;; --notice) notice="$2" ;; --out) out="$2" ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift 2
done
for required in from classifier os arch variant llama_version provider classes notice out; do
  [ -n "${!required:-}" ] || { echo "stage-natives.sh: --${required//_/-} is required" >&2; exit 2; }
done

if [ ! -f "$from/.complete" ]; then
  echo "no prebuilt llama.cpp in $from: run scripts/fetch-natives.sh (with --variant $variant for a GPU build)" >&2
  exit 1
fi
origin="$(cut -d' ' -f1 "$from/.complete")"

rm -rf "$out"
dir="$out/natives/$classifier"
mkdir -p "$dir" "$out/META-INF/services"

shopt -s nullglob
libraries=()
for file in "$from"/lib*.so "$from"/lib*.dylib "$from"/*.dll; do
  case "$(basename "$file")" in
    libllama-common.*|llama-common.*) ;;
    *) libraries+=("$file") ;;
  esac
done
[ ${#libraries[@]} -gt 0 ] || { echo "no libraries in $from" >&2; exit 1; }
cp -p "${libraries[@]}" "$dir/"
cp "$notice" "$dir/LICENSE-llama.cpp.txt"
cp "$from/LICENSE-node-llama-cpp.txt" "$dir/LICENSE-node-llama-cpp.txt"
cp "$dir"/LICENSE-*.txt "$out/META-INF/"

{
  echo "# panama-llama natives bundle: written by scripts/stage-natives.sh, read by the loader"
  echo "format 1"
  echo "classifier $classifier"
  echo "os $os"
  echo "arch $arch"
  echo "variant $variant"
  echo "llama.cpp $llama_version"
  echo "origin $origin"
  (cd "$dir" && LC_ALL=C ls | while read -r name; do
    echo "file $(sha256sum "$name" | cut -d' ' -f1) $(stat -c %s "$name") $name"
  done)
} > "$out/natives.manifest.tmp"
mv "$out/natives.manifest.tmp" "$dir/natives.manifest"

echo "$provider" > "$out/META-INF/services/io.github.panamallama.spi.NativeLibraryBundle"
package_dir="$(dirname "${provider//.//}")"
mkdir -p "$out/$package_dir"
cp "$classes/$package_dir"/*.class "$out/$package_dir/"
echo "staged $classifier natives ($(ls "$dir" | wc -l) files, $(du -sh "$dir" | cut -f1)) from $from"
