#!/usr/bin/env bash
# Soak and leak measurement of the native lifecycle on the tiny-Mistral fixture: RSS and Java
# heap after a warm-up, then after N more cycles of (a) context create, decode a prompt, close
# (1,000 warm-up cycles) and (b) model load, tokenize, close (200 warm-up cycles); prints the
# growth per 1,000 cycles of each loop and exits 1 if a loop grows by more than its limit:
# 4 MiB per 1,000 context cycles, 8 MiB per 1,000 model cycles, never less than 16 MiB in all
# (the reasons are in tests/.../soak/Soak.java). The JVM runs with a fixed, pre-touched 64 MiB
# heap so that heap resizing does not show up as RSS. CI runs a short version (SoakTest: 500
# and 300 cycles). Server request loops are not measured here yet.
# Needs a built checkout: ./mvnw verify (-DskipTests will do).
# Usage: scripts/soak.sh [--context-cycles N] [--model-cycles N] [--model FILE.gguf]
#   --context-cycles N  measured context cycles (default 10000; 0 skips the loop)
#   --model-cycles N    measured model cycles (default 1000; 0 skips the loop)
#   --model FILE        the GGUF (default: build/fixtures/tiny-mistral/tiny-mistral-q4_0.gguf)
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
root="$(cd "$(dirname "$0")/.." && pwd)"
context=10000
models=1000
model="$root/build/fixtures/tiny-mistral/tiny-mistral-q4_0.gguf"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --context-cycles) context="$2"; shift 2 ;;
    --model-cycles) models="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
cd "$root"
[ -f tests/target/test.classpath ] && [ -d tests/target/test-classes ] && [ -f "$model" ] \
  || { echo "not built: run ./mvnw verify -DskipTests first" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -Xms64m -Xmx64m -XX:+AlwaysPreTouch -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
  -Dpanamallama.home="$root" \
  -cp "tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath)" \
  io.github.panamallama.tests.soak.Soak "$model" --context-cycles "$context" --model-cycles "$models"
