#!/usr/bin/env bash
# Mutation campaign against model loading: damaged variants of the tiny-Mistral fixture (every
# metadata key at boundary values and wrong types, keys the fixture lacks, tensor dimensions,
# types, offsets and names, other architectures, truncations, metadata overrides, and N seeded
# random mutants: byte flips, truncations, random values), each loaded in a child JVM and run for
# a few tokens when it loads. Prints the mutants, how many loaded, the refusals grouped by
# message, and every child killed by a signal or hung, with the mutant's recipe (exit 1 if any).
# CI runs the same campaign with 2000 random mutants and seed 1 (ModelMutationCampaignTest).
# Needs a built checkout: ./mvnw verify (-DskipTests will do).
# Usage: scripts/fuzz-models.sh [--mutants N] [--seed S] [--workers W] [--model FILE.gguf]
#   --mutants N   random mutants on top of the ~5,200 systematic ones (default 20000)
#   --seed S      seed of the random part (default: the current time; printed)
#   --workers W   child JVMs at a time (default 2)
#   --model FILE  the GGUF to mutate (default: build/fixtures/tiny-mistral/tiny-mistral-q4_0.gguf)
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
root="$(cd "$(dirname "$0")/.." && pwd)"
mutants=20000
seed="$(date +%s)"
workers=2
model="$root/build/fixtures/tiny-mistral/tiny-mistral-q4_0.gguf"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --mutants) mutants="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
cd "$root"
[ -f tests/target/test.classpath ] && [ -d tests/target/test-classes ] && [ -f "$model" ] \
  || { echo "not built: run ./mvnw verify -DskipTests first" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "seed $seed, $mutants random mutants, $workers workers, model $model"
exec "$java" ${JAVA_OPTS:-} -Dpanamallama.home="$root" \
  -cp "tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath)" \
  io.github.panamallama.tests.mutation.Campaign "$model" --mutants "$mutants" --seed "$seed" --workers "$workers"
