#!/usr/bin/env bash
# Soak and leak measurement on the tiny-Mistral fixture: RSS and Java heap after a warm-up, then
# after N more cycles of (a) context create, decode a prompt, close (1,000 warm-up cycles),
# (b) model load, tokenize, close (200 warm-up cycles), (c) requests to the example OpenAI server
# over loopback, one at a time: completions and chat completions read whole, streams read to
# the end, streams hung up after the first chunk, requests hung up before the answer (300
# warm-up requests; the server's RSS and heap), and (d) optionally the same mix from three
# clients at once for H hours. Prints the growth per 1,000 cycles of each loop and exits 1 if
# one grows by more than its limit: 4 MiB per 1,000 context cycles, 8 MiB per 1,000 model
# cycles, 8 MiB per 1,000 server requests, never less than 16 MiB in all, 32 MiB for the server
# (the reasons are in tests/.../soak/Soak.java and tests/.../ServerSoak.java), or if a server
# request fails. The JVMs run with a fixed, pre-touched heap so that heap resizing does not show
# up as RSS. CI runs a short version (SoakTest: 500 context, 300 model cycles, 400 server
# requests).
# Needs a built checkout: ./mvnw verify (-DskipTests will do).
# Usage: scripts/soak.sh [--context-cycles N] [--model-cycles N] [--server-requests N]
#                        [--server-hours H] [--model FILE.gguf]
#   --context-cycles N   measured context cycles (default 10000; 0 skips the loop)
#   --model-cycles N     measured model cycles (default 1000; 0 skips the loop)
#   --server-requests N  measured server requests, one at a time (default 1000; 0 skips the loop)
#   --server-hours H     hours of mixed server load from three clients (default 0 = skipped;
#                        fractions allowed, e.g. 0.25)
#   --model FILE         the GGUF (default: build/fixtures/tiny-mistral/tiny-mistral-q4_0.gguf)
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
root="$(cd "$(dirname "$0")/.." && pwd)"
context=10000
models=1000
requests=1000
hours=0
model="$root/build/fixtures/tiny-mistral/tiny-mistral-q4_0.gguf"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --context-cycles) context="$2"; shift 2 ;;
    --model-cycles) models="$2"; shift 2 ;;
    --server-requests) requests="$2"; shift 2 ;;
    --server-hours) hours="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
cd "$root"
[ -f tests/target/test.classpath ] && [ -d tests/target/test-classes ] && [ -f "$model" ] \
  || { echo "not built: run ./mvnw verify -DskipTests first" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
classpath="tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath)"
status=0
if [ "$context" != 0 ] || [ "$models" != 0 ]; then
  "$java" -Xms64m -Xmx64m -XX:+AlwaysPreTouch -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
    -Dpanamallama.home="$root" -cp "$classpath" \
    io.github.panamallama.tests.soak.Soak "$model" --context-cycles "$context" --model-cycles "$models" || status=1
fi
if [ "$requests" != 0 ] || [ "$hours" != 0 ]; then
  # The server runs in a JVM of its own (ServerSoak starts it); this one is only the client.
  "$java" --enable-native-access=ALL-UNNAMED -Dpanamallama.home="$root" -cp "$classpath" \
    io.github.panamallama.tests.ServerSoak "$model" --server-requests "$requests" --server-hours "$hours" || status=1
fi
exit "$status"
