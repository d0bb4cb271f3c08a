#!/usr/bin/env bash
# Generation benchmark: the Java API against the plain C loop called in the same process on the
# same loaded model (each round after the C loop has run as a separate llama.cpp process on that
# model); prints tokens/s for prompt processing (the prompt's decode) and generation (from the
# prompt's end to the last sampled token, as the API's timings count it), the Java/C ratio's
# median and spread, the C loop's with ggml's per-graph threads and in its own process, and the
# Java heap bytes allocated per generated token. JAVA_OPTS sets: -Dbench.threads=N (default 2),
# -Dbench.polling=N (the threadpool's polling level, default 50), -Dbench.busyNeighbour=true
# (a busy-looping process keeps one core taken for the whole run).
# Needs a built checkout: ./mvnw verify
# (-DskipTests will do), which writes the class paths this script uses; and a C compiler.
# Usage: scripts/benchmark.sh [MODEL.gguf] [ROUNDS]   (default: the tiny-Mistral fixture, 5 rounds)
#        scripts/benchmark.sh --server [MODEL.gguf]  the OpenAI server, a context per slot (old,
#            --engine pool) beside one shared context (new, --engine batched) under 1, 4, 8 and 16
#            streaming clients: requests/s, time to first token (median, p95), generated tokens/s,
#            peak RSS; then a second request's time to first token after one sharing its
#            ~1,000-token system prompt, prompt cache on and off. JAVA_OPTS: -Dbench.seconds=N each
#            run's length (default 10; about 3 minutes in all), -Dbench.clients=1,4,8,16,
#            -Dbench.threads=N the servers' --threads, -Dbench.serverArgs=--poll,0 more
#            server options for both.
#        scripts/benchmark.sh --rpc [MODEL.gguf] [ROUNDS] [TOKENS]   greedy tokens/s locally against
#            a split across two ggml-rpc-server processes on 127.0.0.1 (repeating layers on the
#            servers, output on the CPU); needs the source build that ./mvnw verify makes
#            (build/source-build) or scripts/build-llama-cpp.sh
#        scripts/benchmark.sh --jmh [JMH OPTIONS]    JMH microbenchmarks of per-call costs through
#            the API: tokenize, detokenize, token pieces, a sampler step, a logits copy (vocabulary
#            2000 and 32000), one decode; all but the pieces also as raw FFM downcalls, decode also
#            from C; bytes allocated per operation (-prof gc). Default: 1 fork, 3 x 1 s warm-up, 5 x 1 s
#            measurement each (about 7 minutes on 2 cores). JMH options go through: a name filter
#            (--jmh Sampler), longer runs (-f 3 -wi 5 -i 10 -r 2s), decode threads (-p threads=1,2),
#            -h for all.
#        scripts/benchmark.sh --jni-peer [ROUNDS [THREADS,...]]   greedy generation (256 tokens;
#            threads 2 and 1 unless given) beside de.kherud:llama 4.2.0, the JNI binding (llama.cpp
#            b4916), each in its own JVMs, alternating, ROUNDS rounds (default 5, about 4 minutes):
#            medians and spread side by side, with the Java API and the C loop on v0.5.0 under each
#            setting that differs (flash attention, threadpool, AVX2-only CPU variant, OpenMP waiting)
#        scripts/benchmark.sh --flash-attn [MODEL.gguf [ROUNDS [PROMPT [GENERATED [LONG_CONTEXT]]]]]
#            flash attention at the API's default (auto, as llama.cpp's: on for the CPU) against off, on
#            one loaded model, alternating: prompt and generation tokens/s (default pp512, tg128, 5
#            rounds; the tiny-Mistral fixture unless a model is given) with the ratio's spread, and
#            llama.cpp's compute buffers at that context and at LONG_CONTEXT (default 32768)
#        scripts/benchmark.sh --7b [--rounds N] [--model F.gguf] [--keep]   figures for a 7B-class
#            model, one table: pp512 and tg128 of the Java API against the C loop in one process
#            (medians, the Java/C ratio's spread over N rounds, default 5), model load time, context
#            creation at 4K and 32K, RSS after creating the context at 4K and 32K with weight
#            repacking on and off, and at 32K a Q8_0 KV cache against F16 (llama.cpp's KV size, RSS,
#            generation speed), each of those in a fresh JVM; with the CPU, its flags and ggml's CPU
#            variant. Without --model it uses build/models/mistral-7b-shape-q4_0.gguf, and makes it
#            when missing: random weights of Mistral 7B v0.2's shapes (scripts/example
#            convert-benchmark), converted to F16, quantized to Q4_0 (scripts/quantize.sh); that
#            needs about 31 GB free under build/models (refused otherwise) and the examples built;
#            the checkpoint and F16 GGUF are deleted unless --keep. Takes 10-15 minutes on 2 cores.
set -euo pipefail
usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [ "${1:-}" = "--server" ]; then
  # The server benchmark lives in the tests module, whose build writes its class path (tests/pom.xml).
  [ -f tests/target/test.classpath ] && [ -d tests/target/test-classes ] \
    || { echo "not built: run ./mvnw verify -DskipTests first" >&2; exit 1; }
  shift
  exec "$java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Dpanamallama.home="$root" \
    -cp "tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath)" \
    io.github.panamallama.tests.ServerLoadBenchmark "$@"
fi
if [ "${1:-}" = "--rpc" ]; then
  # The RPC benchmark lives in the tests module too; the RPC backend is in the source build only:
  # the checkout's own, else the view the tests module's second pass builds.
  [ -f tests/target/test.classpath ] && [ -d tests/target/test-classes ] \
    || { echo "not built: run ./mvnw verify -DskipTests first" >&2; exit 1; }
  shift
  home="$root"
  [ -x build/natives/cmake/ggml-rpc-server ] || home="$root/build/source-build"
  [ -x "$home/build/natives/cmake/ggml-rpc-server" ] \
    || { echo "no source build with ggml-rpc-server: run scripts/build-llama-cpp.sh or ./mvnw verify" >&2; exit 1; }
  exec "$java" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Dpanamallama.home="$home" \
    -cp "tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath)" \
    io.github.panamallama.tests.RpcBenchmark "$@"
fi
if [ "${1:-}" = "--7b" ]; then
  shift
  model="" rounds=5 keep=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --model) model="${2:?--model needs a GGUF file}"; shift 2 ;;
      --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
      --keep) keep=true; shift ;;
      *) echo "unknown --7b option: $1 (see --help)" >&2; exit 2 ;;
    esac
  done
  if [ -z "$model" ]; then
    model="build/models/mistral-7b-shape-q4_0.gguf"
    if [ ! -f "$model" ]; then
      mkdir -p build/models
      # BF16 checkpoint 14.5 GB + F16 GGUF 14.5 GB + Q4_0 4.1 GB, with a little to spare.
      free_kb=$(df -Pk build/models | awk 'NR == 2 { print $4 }')
      if [ "$free_kb" -lt $((31 * 1000 * 1000)) ]; then
        echo "making the 7B-shape model needs about 31 GB free under build/models; there are $((free_kb / 1000000)) GB." >&2
        echo "Free some space, or pass a model: scripts/benchmark.sh --7b --model F.gguf" >&2
        exit 1
      fi
      echo "making $model: random weights of Mistral 7B v0.2's shapes, converted, quantized to Q4_0"
      log="$(mktemp)"
      "$root/scripts/example" convert-benchmark --keep --dir build/models | tee "$log"
      work="$(sed -n 's/^kept //p' "$log")"
      rm -f "$log"
      [ -n "$work" ] && [ -f "$work/model.gguf" ] || { echo "convert-benchmark left no model.gguf" >&2; exit 1; }
      # A failed or interrupted quantization leaves neither a half-written model nor, without
      # --keep, the 29 GB of temporaries.
      trap 'rm -f "$model.part"; [ "$keep" = true ] || rm -rf "$work"' EXIT
      "$root/scripts/quantize.sh" "$work/model.gguf" "$model.part" q4_0
      mv "$model.part" "$model"
      trap - EXIT
      if [ "$keep" = true ]; then
        echo "kept the checkpoint and the F16 GGUF in $work"
      else
        rm -rf "$work"
      fi
    fi
  fi
  set -- --7b "$model" "$rounds"
fi
# Everything else is in the benchmarks module, whose build writes its class path (benchmarks/pom.xml,
# benchmark-classpath).
[ -f benchmarks/target/benchmark.classpath ] && [ -f benchmarks/target/classes/META-INF/BenchmarkList ] \
  || { echo "not built: run ./mvnw verify -DskipTests first" >&2; exit 1; }
cp="benchmarks/target/classes:$(cat benchmarks/target/benchmark.classpath)"
flags=(--enable-native-access=ALL-UNNAMED "-Dpanamallama.home=$root")
case "${1:-}" in
  --jmh)
    shift
    # Forks get the flags explicitly (given on the command line, JMH's -jvmArgsAppend replaces
    # the benchmarks' own @Fork arguments rather than adding to them).
    exec "$java" ${JAVA_OPTS:-} "${flags[@]}" -cp "$cp" org.openjdk.jmh.Main \
      -prof gc -jvmArgsAppend "${flags[*]}" "$@"
    ;;
  --7b)
    shift
    exec "$java" ${JAVA_OPTS:-} "${flags[@]}" -cp "$cp" io.github.panamallama.benchmarks.LargeModelFigures "$@"
    ;;
  --jni-peer)
    shift
    exec "$java" ${JAVA_OPTS:-} "${flags[@]}" -cp "$cp" io.github.panamallama.benchmarks.JniPeerComparison "$@"
    ;;
  --flash-attn)
    shift
    [ $# -gt 0 ] || set -- build/fixtures/tiny-mistral/tiny-mistral-f16.gguf
    exec "$java" ${JAVA_OPTS:-} "${flags[@]}" -cp "$cp" io.github.panamallama.benchmarks.FlashAttentionComparison "$@"
    ;;
esac
exec "$java" ${JAVA_OPTS:-} "${flags[@]}" -cp "$cp" io.github.panamallama.benchmarks.InProcessComparison "$@"
