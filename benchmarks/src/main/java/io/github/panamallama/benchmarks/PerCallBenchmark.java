package io.github.panamallama.benchmarks;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every per-call JMH benchmark here runs with (JMH reads these from the superclass): the
 * average time of one call, 3 x 1 s of warm-up and 5 x 1 s of measurement in one fork, which may
 * call native code. {@code scripts/benchmark.sh --jmh} takes JMH options that change them.
 * Subclasses set their own {@code @OutputTimeUnit}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public abstract class PerCallBenchmark {}
