#!/usr/bin/env bash
# Regenerates bindings/src/main/java/.../internal/llama from the pinned llama.cpp headers.
#
# Usage: scripts/generate-bindings.sh [--headers LLAMA_CPP_TREE]
#   LLAMA_CPP_TREE  a llama.cpp v0.5.0 source tree (default: the llama.cpp submodule);
#                   it must hold include/llama.h and ggml/include/.
#   JEXTRACT        the jextract launcher (default: `jextract` on PATH).
#   CLANG_INCLUDE   libclang's builtin header dir, if jextract does not find it itself
#                   (e.g. /usr/lib/llvm-14/lib/clang/14.0.6/include).
#
# What is bound: every declaration of llama.h, plus the ggml symbols listed in
# bindings/jextract/ggml-symbols.txt. Running it twice gives identical files.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tree="$root/llama.cpp"
while [ $# -gt 0 ]; do
  case "$1" in
    --headers) tree="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

tree="$(cd "$tree" 2>/dev/null && pwd)" || { echo "no such directory: $tree" >&2; exit 1; }
header="$tree/include/llama.h"
[ -f "$header" ] || { echo "no llama.h at $header: check out the llama.cpp submodule or pass --headers" >&2; exit 1; }
jextract="${JEXTRACT:-jextract}"
command -v "$jextract" >/dev/null || { echo "jextract not found (set JEXTRACT or put it on PATH)" >&2; exit 1; }

package=io.github.panamallama.internal.llama
out="$root/bindings/src/main/java"
pkgdir="$out/${package//.//}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

clang_args=(-I "$tree/include" -I "$tree/ggml/include")
[ -n "${CLANG_INCLUDE:-}" ] && clang_args+=(-I "$CLANG_INCLUDE")

# 1. Every declaration that llama.h itself makes.
"$jextract" "${clang_args[@]}" --dump-includes "$work/all.txt" "$header" >/dev/null
awk -v h="$header" '$1 ~ /^--include-/ && $NF == h { print $1, $2 }' "$work/all.txt" | sort -u > "$work/symbols.txt"
# 2. The ggml symbols the API needs.
grep -E '^--include-' "$root/bindings/jextract/ggml-symbols.txt" >> "$work/symbols.txt"

rm -rf "$pkgdir"
"$jextract" "${clang_args[@]}" --output "$out" --target-package "$package" \
  --header-class-name llama_h @"$work/symbols.txt" "$header"

# 3. Post-processing, idempotent:
#    - keep generated text free of this machine's paths;
#    - SymbolLookup.findOrThrow is Java 23+; the project targets Java 22, so spell it the
#      Java 22 way (same behaviour: NoSuchElementException naming nothing, caught by the loader).
find "$pkgdir" -name '*.java' -print0 | xargs -0 sed -i \
  -e "s|$tree/||g" \
  -e 's|SYMBOL_LOOKUP\.findOrThrow(\("[A-Za-z0-9_]*"\))|SYMBOL_LOOKUP.find(\1).orElseThrow()|g'
# 4. Record which headers the bindings came from; a test checks them against the headers
#    the build fetched (or the submodule), so bindings and library cannot drift apart unseen.
(cd "$tree" && sha256sum include/llama.h ggml/include/ggml.h ggml/include/ggml-backend.h \
  ggml/include/ggml-cpu.h ggml/include/ggml-opt.h ggml/include/gguf.h) > "$root/bindings/jextract/headers.sha256"
echo "generated $(find "$pkgdir" -name '*.java' | wc -l) files in $pkgdir"
