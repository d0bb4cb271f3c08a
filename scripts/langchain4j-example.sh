#!/usr/bin/env bash
# Runs the LangChain4j example (ChatModel, StreamingChatModel, EmbeddingModel) from a built
# checkout: build it first with ./mvnw -pl langchain4j -am package -DskipTests. The example is
# test code (langchain4j/src/test/java/.../example), so the integration jar does not ship it.
# Usage: scripts/langchain4j-example.sh [model.gguf]   (default: the tiny-Mistral test fixture)
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$(ls "$root"/langchain4j/target/panama-llama-langchain4j-*.jar 2>/dev/null | grep -v -- '-sources' | head -1 || true)"
example="$root/langchain4j/target/test-classes"
[ -n "$jar" ] && [ -f "$example/io/github/panamallama/langchain4j/example/LangChain4jExample.class" ] || { echo "langchain4j module not built: run ./mvnw -pl langchain4j -am package -DskipTests first" >&2; exit 1; }
# LangChain4j logs through SLF4J; without a provider SLF4J warns once: keep that quiet.
exec "$java" --enable-native-access=ALL-UNNAMED -Dslf4j.internal.verbosity=ERROR \
  -Dpanamallama.home="${PANAMA_LLAMA_HOME:-$root}" \
  -cp "$example:$jar:$root/langchain4j/target/lib/*" io.github.panamallama.langchain4j.example.LangChain4jExample "$@"
