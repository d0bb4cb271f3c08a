package io.github.panamallama.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model files the documentation names, and the fixture file that stands in for each when a
 * snippet runs. A snippet runs in a fresh working directory holding a copy of the fixture under
 * every documented name its code mentions; a copy, so that nothing a snippet does can change the
 * fixture. Any other file a snippet names (a quantizer's output) is created in that directory.
 */
final class DocumentedModelFiles {
    /** Documented name: fixture file of {@code build/fixtures/tiny-mistral/}. */
    static final Map<String, String> STAND_INS = standIns();

    private final Path fixtureDirectory;

    DocumentedModelFiles(Path projectHome) {
        this.fixtureDirectory = projectHome.resolve("build/fixtures/tiny-mistral");
    }

    private static Map<String, String> standIns() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("mistral-7b-v0.2.Q4_K_M.gguf", "tiny-mistral-q4_k_m.gguf");
        names.put("mistral-7b-instruct-v0.2.Q4_K_M.gguf", "tiny-mistral-q4_k_m.gguf");
        names.put("model.gguf", "tiny-mistral-f16.gguf");
        names.put("model-f16.gguf", "tiny-mistral-f16.gguf");
        return Collections.unmodifiableMap(names);
    }

    /** Creates {@code directory} afresh with the stand-ins {@code snippet} names. */
    void prepare(Snippet snippet, Path directory) throws IOException {
        Files.createDirectories(directory);
        String code = snippet.code();
        for (Map.Entry<String, String> entry : STAND_INS.entrySet()) {
            if (code.contains("\"" + entry.getKey() + "\"")) {
                Path fixture = fixtureDirectory.resolve(entry.getValue());
                if (!Files.isRegularFile(fixture)) {
                    throw new IllegalStateException("the tiny-Mistral fixture " + fixture + " is missing: the tests"
                            + " module's build makes it, and must run before this module's tests");
                }
                Files.copy(fixture, directory.resolve(entry.getKey()));
            }
        }
    }
}
