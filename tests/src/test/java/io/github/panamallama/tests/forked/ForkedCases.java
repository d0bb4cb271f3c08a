package io.github.panamallama.tests.forked;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Cases that could end the process (llama.cpp aborts through its C API), run one after the other
 * in a child JVM by {@link ForkedRun}: each returns its outcome as text, or throws (the exception
 * is the outcome). Implementations are public with a public no-argument constructor.
 */
public interface ForkedCases {
    /** The cases in order, by name; {@code arguments} are those given to {@link ForkedRun#run}. */
    Map<String, Callable<String>> cases(List<String> arguments) throws Exception;
}
