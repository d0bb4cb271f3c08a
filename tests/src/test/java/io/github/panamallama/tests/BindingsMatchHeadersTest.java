package io.github.panamallama.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed bindings were generated from exactly the headers this build compiles the
 * native harnesses against: scripts/generate-bindings.sh records their sha256 sums.
 */
class BindingsMatchHeadersTest {
    @Test
    void recordedHeaderChecksumsMatchThePinnedHeaders() throws Exception {
        assumeTrue(NativeToolchain.headerTree().isPresent(),
                "no llama.cpp v0.5.0 headers: run scripts/fetch-natives.sh or check out the submodule");
        Path tree = NativeToolchain.headerTree().orElseThrow();
        List<String> recorded = Files.readAllLines(NativeToolchain.home().resolve("bindings/jextract/headers.sha256"));
        assertEquals(6, recorded.size());
        for (String line : recorded) {
            String[] parts = line.split("\\s+", 2);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tree.resolve(parts[1])));
            assertEquals(parts[0], HexFormat.of().formatHex(digest), parts[1] + " differs from the header the bindings came from");
        }
    }
}
