package io.github.panamallama.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Reports the second test pass as skipped, with the reason, when scripts/build-llama-cpp.sh
 * could not build llama.cpp (no cmake or C++ compiler; in CI that fails the build instead).
 * Registered through META-INF/services and switched on by that pass's surefire execution only.
 */
public final class SourceBuildSkipped implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Path marker = NativeToolchain.home().resolve("SKIPPED");
        if (!Files.isRegularFile(marker)) {
            return ConditionEvaluationResult.enabled("llama.cpp was built from source");
        }
        try {
            return ConditionEvaluationResult.disabled(Files.readString(marker).strip());
        } catch (IOException e) {
            return ConditionEvaluationResult.disabled("llama.cpp source build skipped (" + marker + ")");
        }
    }
}
