package io.github.panamallama.convert.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.fixture.PickleWriter;
import io.github.panamallama.fixture.PyTorchCheckpointWriter;
import io.github.panamallama.gguf.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer produces torch.save's layout, deterministically. */
class PyTorchCheckpointWriterTest {
    @TempDir
    Path directory;

    @Test
    void pickleHasTorchSaveOpcodeSequence() {
        byte[] pickle = new PyTorchCheckpointWriter("c")
                .add("w", GgmlType.BF16, new long[] {2, 3}, new byte[12]).pickle();
        // PROTO 2, GLOBAL collections.OrderedDict, BINPUT 0, EMPTY_TUPLE, REDUCE, BINPUT 1, MARK,
        // BINUNICODE 'w', BINPUT 2, GLOBAL torch._utils._rebuild_tensor_v2, BINPUT 3, MARK, MARK,
        // 'storage' q4, GLOBAL torch.BFloat16Storage q5, '0' q6, 'cpu' q7, BININT1 6, TUPLE q8,
        // BINPERSID, BININT1 0, (2,3) TUPLE2 q9, (3,1) TUPLE2 q10, NEWFALSE, BINGET 0, EMPTY_TUPLE,
        // REDUCE q11, TUPLE q12, REDUCE q13, SETITEMS, STOP.
        String expected = "8002" + hex("ccollections\nOrderedDict\n") + "7100" + "29" + "52" + "7101" + "28"
                + "58" + "01000000" + hex("w") + "7102" + hex("ctorch._utils\n_rebuild_tensor_v2\n") + "7103"
                + "28" + "28" + "58" + "07000000" + hex("storage") + "7104" + hex("ctorch\nBFloat16Storage\n") + "7105"
                + "58" + "01000000" + hex("0") + "7106" + "58" + "03000000" + hex("cpu") + "7107" + "4b06" + "74"
                + "7108" + "51" + "4b00" + "4b024b03" + "86" + "7109" + "4b034b01" + "86" + "710a" + "89" + "6800"
                + "29" + "52" + "710b" + "74" + "710c" + "52" + "710d" + "75" + "2e";
        assertEquals(expected, HexFormat.of().formatHex(pickle));
    }

    @Test
    void archiveHasTorchEntriesStoredAndAligned() throws IOException {
        byte[] marker = new byte[40];
        for (int i = 0; i < marker.length; i++) {
            marker[i] = (byte) (0xA0 + i);
        }
        Path file = directory.resolve("consolidated.00.pth");
        new PyTorchCheckpointWriter("consolidated")
                .add("a", GgmlType.F32, new long[] {3}, new byte[12])
                .add("b", GgmlType.F32, new long[] {10}, marker)
                .write(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(List.of("consolidated/data.pkl", "consolidated/byteorder", "consolidated/data/0",
                    "consolidated/data/1", "consolidated/version"), zip.stream().map(ZipEntry::getName).toList());
            assertTrue(zip.stream().allMatch(entry -> entry.getMethod() == ZipEntry.STORED));
        }
        byte[] whole = Files.readAllBytes(file);
        int offset = indexOf(whole, marker);
        assertTrue(offset > 0);
        assertEquals(0, offset % 64, "tensor data starts on a 64-byte boundary, as torch writes it");
    }

    @Test
    void sameTensorsGiveTheSameBytes() throws IOException {
        Path first = directory.resolve("1.pth");
        Path second = directory.resolve("2.pth");
        for (Path file : List.of(first, second)) {
            new PyTorchCheckpointWriter("m").add("x", GgmlType.F16, new long[] {4}, new byte[8]).write(file);
        }
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void largeIntegersUseTheShortestEncoding() {
        long[] values = {0, 255, 256, 65535, 65536, Integer.MAX_VALUE, 1L << 31, 1L << 40, Long.MAX_VALUE};
        String[] encodings = {"4b00", "4bff", "4d0001", "4dffff", "4a00000100", "4affffff7f",
                "8a050000008000", "8a060000000000010", "8a08ffffffffffffff7f"};
        for (int i = 0; i < values.length; i++) {
            String hex = HexFormat.of().formatHex(new PickleWriter().integer(values[i]).toByteArray());
            assertTrue(hex.startsWith(encodings[i].substring(0, Math.min(encodings[i].length(), hex.length()))),
                    values[i] + " encoded as " + hex);
        }
    }

    @Test
    void mismatchedDataAndDuplicatesAreRefused() {
        PyTorchCheckpointWriter writer = new PyTorchCheckpointWriter("m");
        assertEquals("tensor 'x' of 4 F32 elements needs 16 bytes, got 15",
                assertThrows(IllegalArgumentException.class,
                        () -> writer.add("x", GgmlType.F32, new long[] {2, 2}, new byte[15])).getMessage());
        writer.add("x", GgmlType.F32, new long[] {1}, new byte[4]);
        assertEquals("tensor 'x' added twice", assertThrows(IllegalArgumentException.class,
                () -> writer.add("x", GgmlType.F32, new long[] {1}, new byte[4])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PyTorchCheckpointWriter("../evil"));
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
