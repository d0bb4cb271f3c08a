package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argument checks that happen before llama.cpp is called. Real quantization of a model is
 * tested on the tiny-Mistral fixture in the tests module (QuantizeTinyMistralTest).
 */
class QuantizerTest {
    @TempDir
    Path directory;

    @Test
    void missingInputIsNamed() {
        Path missing = directory.resolve("missing.gguf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(missing, directory.resolve("out.gguf"), QuantizationType.Q4_0));
        assertEquals("input model " + missing + " does not exist or is not a file", e.getMessage());
    }

    @Test
    void inputThatIsNotGgufIsRefusedBeforeLlamaCppSeesIt() throws IOException {
        Path text = Files.writeString(directory.resolve("model.gguf"), "PK\u0003\u0004 this is a zip, not a model");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(text, directory.resolve("out.gguf"), QuantizationType.Q4_0));
        assertEquals("input " + text + " is not a GGUF model llama.cpp reads: magic at byte offset 0:"
                + " expected \"GGUF\" but found 50 4b 03 04", e.getMessage());
        assertFalse(Files.exists(directory.resolve("out.gguf")), "nothing written");

        Path tiny = Files.writeString(directory.resolve("tiny.gguf"), "GGUF");
        assertEquals("input " + tiny + " is not a GGUF model llama.cpp reads: version at byte offset 4:"
                + " the file ends after 4 bytes", assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(tiny, directory.resolve("out.gguf"), QuantizationType.Q4_0)).getMessage());
    }

    @Test
    void unknownGgufVersionIsRefused() throws IOException {
        Path v9 = Files.write(directory.resolve("v9.gguf"), ggufHeader(9));
        assertEquals("input " + v9 + " is not a GGUF model llama.cpp reads: version at byte offset 4:"
                + " unsupported GGUF version 9 (supported: 2, 3)",
                assertThrows(IllegalArgumentException.class,
                        () -> Quantizer.quantize(v9, directory.resolve("out.gguf"), QuantizationType.Q4_0)).getMessage());
    }

    @Test
    void outputEqualToInputIsRefused() throws IOException {
        Path model = Files.write(directory.resolve("model.gguf"), ggufHeader(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(model, directory.resolve("sub/../model.gguf"), QuantizationType.Q8_0));
        assertTrue(e.getMessage().endsWith("is the input file; llama.cpp reads the input while it writes the output"),
                e.getMessage());
    }

    @Test
    void unwritableOutputIsNamed() throws IOException {
        Path model = Files.write(directory.resolve("model.gguf"), ggufHeader(3));
        Path noDirectory = directory.resolve("no/such/dir/out.gguf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(model, noDirectory, QuantizationType.Q4_0));
        assertEquals("cannot write output " + noDirectory + ": directory " + noDirectory.getParent()
                + " does not exist", e.getMessage());
        Path isDirectory = Files.createDirectory(directory.resolve("out.gguf"));
        assertEquals("cannot write output " + isDirectory + ": it is a directory",
                assertThrows(IllegalArgumentException.class,
                        () -> Quantizer.quantize(model, isDirectory, QuantizationType.Q4_0)).getMessage());
    }

    @Test
    void typesNeedingAnImportanceMatrixAreRefused() throws IOException {
        Path model = Files.write(directory.resolve("model.gguf"), ggufHeader(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(model, directory.resolve("out.gguf"), QuantizationType.IQ2_XXS));
        assertTrue(e.getMessage().startsWith("IQ2_XXS needs an importance matrix"), e.getMessage());
    }

    private static byte[] ggufHeader(int version) {
        return java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .put("GGUF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(version)
                .putLong(0).putLong(0).array();
    }
}
