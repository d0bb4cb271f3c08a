#!/usr/bin/env bash
# Generation benchmark: the Java API against the plain C loop called in the same process on the
# same loaded model (each round after a separate llama.cpp process has run on that model);
# prints tokens/s for prompt processing and generation, the Java/C ratio's median and spread,
# and the Java heap bytes allocated per generated token. JAVA_OPTS=-Dbench.threads=N sets threads. Needs a built checkout: ./mvnw verify
# (-DskipTests will do), which writes the class path this script uses; and a C compiler.
# Usage: scripts/benchmark.sh [MODEL.gguf] [ROUNDS]   (default: the tiny-Mistral fixture, 5 rounds)
#        scripts/benchmark.sh --server [MODEL.gguf]  the OpenAI server under 1 and 4 streaming
#                                                    clients: requests/s, time to first token
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# The tests module's build writes its class path (tests/pom.xml, benchmark-classpath).
[ -f tests/target/test.classpath ] && [ -d tests/target/test-classes ] \
  || { echo "not built: run ./mvnw verify -DskipTests first" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
main=io.github.panamallama.tests.GenerationBenchmark
if [ "${1:-}" = "--server" ]; then main=io.github.panamallama.tests.ServerLoadBenchmark; shift; fi
exec "$java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Dpanamallama.home="$root" \
  -cp "tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath)" \
  "$main" "$@"
