package io.github.panamallama.convert.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.panamallama.convert.SourceType;
import io.github.panamallama.convert.TensorSource;
import io.github.panamallama.fixture.PickleWriter;
import io.github.panamallama.fixture.PyTorchCheckpointWriter;
import io.github.panamallama.gguf.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads torch.save-format checkpoints, and refuses the ones it must not trust or cannot read. */
class PyTorchCheckpointTest {
    @TempDir
    Path directory;

    /**
     * The pickle CPython's own pickler (protocol 2) writes for a state dict shaped like torch's:
     * an OrderedDict with a {@code _metadata} attribute (BUILD with a dict of dicts, SETITEM),
     * memoized strings and tuples, and two tensors sharing one storage ('tied' is elements 3..5
     * of storage 0). Generated once with Python's pickle module and stand-in torch classes.
     */
    private static final String CPYTHON_PICKLE =
            "800263636f6c6c656374696f6e730a4f726465726564446963740a710029527101285815000000746f6b5f656d626564" +
            "64696e67732e776569676874710263746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a71" +
            "032828580700000073746f72616765710463746f7263680a466c6f617453746f726167650a7105580100000030710658" +
            "0300000063707571074b06747108514b004b024b038671094b034b0186710a8968002952710b74710c52710d580b0000" +
            "006e6f726d2e776569676874710e6803282868046805580100000031710f68074b03747110514b004b038571114b0185" +
            "71128968002952711374711452711558040000007469656471166803282868046805680668074b06747117514b036811" +
            "68128968002952711874711952711a757d711b58090000005f6d65746164617461711c68002952711d28580000000071" +
            "1e7d711f580700000076657273696f6e71204b017358080000006c61796572732e3071217d712268204b02737573622e";

    @Test
    void readsAPickleWrittenByCPythonsPickler() throws IOException {
        byte[] storage0 = bytes(24, 5);
        byte[] storage1 = bytes(12, 6);
        Path file = zip("cpython.pth", "cpython/", java.util.HexFormat.of().parseHex(CPYTHON_PICKLE),
                new java.util.TreeMap<>(Map.of("0", storage0, "1", storage1)), ZipEntry.STORED);
        try (PyTorchCheckpoint checkpoint = PyTorchCheckpoint.open(file)) {
            List<TensorSource> tensors = checkpoint.tensors();
            assertEquals(List.of("tok_embeddings.weight", "norm.weight", "tied"),
                    tensors.stream().map(TensorSource::name).toList());
            assertArrayEquals(new long[] {2, 3}, tensors.get(0).shape());
            assertArrayEquals(storage0, read(tensors.get(0)));
            assertArrayEquals(storage1, read(tensors.get(1)));
            assertArrayEquals(java.util.Arrays.copyOfRange(storage0, 12, 24), read(tensors.get(2)));
        }
    }

    @Test
    void readsBackWhatTheWriterWrote() throws IOException {
        byte[] f32 = bytes(24, 1);
        byte[] f16 = bytes(6, 2);
        byte[] bf16 = bytes(8, 3);
        Path file = directory.resolve("consolidated.00.pth");
        new PyTorchCheckpointWriter("consolidated")
                .add("layers.0.attention.wq.weight", GgmlType.F32, new long[] {2, 3}, f32)
                .add("norm.weight", GgmlType.F16, new long[] {3}, f16)
                .add("a.b.c", GgmlType.BF16, new long[] {1, 2, 2}, bf16)
                .write(file);
        try (PyTorchCheckpoint checkpoint = PyTorchCheckpoint.open(file)) {
            List<TensorSource> tensors = checkpoint.tensors();
            assertEquals(List.of("layers.0.attention.wq.weight", "norm.weight", "a.b.c"),
                    tensors.stream().map(TensorSource::name).toList());
            assertEquals(List.of(SourceType.F32, SourceType.F16, SourceType.BF16),
                    tensors.stream().map(TensorSource::type).toList());
            assertArrayEquals(new long[] {2, 3}, tensors.get(0).shape());
            assertArrayEquals(new long[] {3}, tensors.get(1).shape());
            assertArrayEquals(new long[] {1, 2, 2}, tensors.get(2).shape());
            assertEquals(24, tensors.get(0).byteSize());
            assertArrayEquals(f32, read(tensors.get(0)));
            assertArrayEquals(f16, read(tensors.get(1)));
            assertArrayEquals(bf16, read(tensors.get(2)));
            assertArrayEquals(f32, read(tensors.get(0)), "a tensor can be opened again");
        }
    }

    @Test
    void manyTensorsUseLongMemoIndicesAndSeveralSetitemsBatches() throws IOException {
        PyTorchCheckpointWriter writer = new PyTorchCheckpointWriter("big");
        for (int i = 0; i < 1100; i++) {
            writer.add("t" + i, GgmlType.F32, new long[] {1}, bytes(4, i));
        }
        Path file = directory.resolve("big.pth");
        writer.write(file);
        try (PyTorchCheckpoint checkpoint = PyTorchCheckpoint.open(file)) {
            assertEquals(1100, checkpoint.tensors().size());
            assertEquals("t1099", checkpoint.tensors().get(1099).name());
            assertArrayEquals(bytes(4, 1099), read(checkpoint.tensors().get(1099)));
        }
    }

    @Test
    void zip64ArchiveIsRead() throws IOException {
        // More than 65,535 entries makes the writer use zip64 records, as a >4 GB checkpoint does.
        PyTorchCheckpointWriter writer = new PyTorchCheckpointWriter("many");
        int count = 66_000;
        for (int i = 0; i < count; i++) {
            writer.add("t" + i, GgmlType.F16, new long[] {1}, new byte[] {(byte) i, (byte) (i >> 8)});
        }
        Path file = directory.resolve("zip64.pth");
        writer.write(file);
        byte[] whole = Files.readAllBytes(file);
        assertTrue(containsZip64EndRecord(whole), "the archive uses zip64");
        try (PyTorchCheckpoint checkpoint = PyTorchCheckpoint.open(file)) {
            assertEquals(count, checkpoint.tensors().size());
            assertArrayEquals(new byte[] {(byte) 65_999, (byte) (65_999 >> 8)}, read(checkpoint.tensors().get(count - 1)));
        }
    }

    private static boolean containsZip64EndRecord(byte[] zip) {
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 200); i--) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 6 && zip[i + 3] == 6) {
                return true;
            }
        }
        return false;
    }

    @Test
    void tensorAtAStorageOffsetReadsOnlyItsSlice() throws IOException {
        // Two views of one storage of 6 floats: elements 0..1 and 2..5 (shape 2x2).
        byte[] storage = bytes(24, 9);
        PickleWriter pickle = new PickleWriter().protocol2().op('}').op('(');
        tensor(pickle, "head", new long[] {2}, new long[] {1}, 0, 6);
        tensor(pickle, "tail", new long[] {2, 2}, new long[] {2, 1}, 2, 6);
        byte[] pkl = pickle.op('u').op('.').toByteArray();
        Path file = zip("views.pth", "views/", pkl, Map.of("0", storage), ZipEntry.STORED);
        try (PyTorchCheckpoint checkpoint = PyTorchCheckpoint.open(file)) {
            assertArrayEquals(java.util.Arrays.copyOfRange(storage, 0, 8), read(checkpoint.tensors().get(0)));
            assertArrayEquals(java.util.Arrays.copyOfRange(storage, 8, 24), read(checkpoint.tensors().get(1)));
        }
    }

    @Test
    void deflatedEntriesAreReadToo() throws IOException {
        byte[] storage = bytes(16, 4);
        PickleWriter pickle = new PickleWriter().protocol2().op('}').op('(');
        tensor(pickle, "w", new long[] {2, 2}, new long[] {2, 1}, 0, 4);
        Path file = zip("deflated.pth", "x/", pickle.op('u').op('.').toByteArray(), Map.of("0", storage),
                ZipEntry.DEFLATED);
        try (PyTorchCheckpoint checkpoint = PyTorchCheckpoint.open(file)) {
            assertArrayEquals(storage, read(checkpoint.tensors().getFirst()));
        }
    }

    @Test
    void nonContiguousTensorIsRejected() throws IOException {
        PickleWriter pickle = new PickleWriter().protocol2().op('}').op('(');
        tensor(pickle, "transposed", new long[] {2, 3}, new long[] {1, 2}, 0, 6);
        Path file = zip("t.pth", "t/", pickle.op('u').op('.').toByteArray(), Map.of("0", bytes(24, 0)),
                ZipEntry.STORED);
        IOException e = assertThrows(IOException.class, () -> PyTorchCheckpoint.open(file));
        assertTrue(e.getMessage().contains("'transposed' is not contiguous row-major (size [2, 3], stride [1, 2])"),
                e.getMessage());
    }

    @Test
    void forbiddenGlobalIsRejectedWithItsOffset() throws IOException {
        // The classic exploit: os.system('...') via GLOBAL + REDUCE.
        byte[] pkl = ascii("\u0080\u0002cos\nsystem\nq\u0000X\u0002\u0000\u0000\u0000id\u0085R.");
        IOException e = assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(pkl)));
        assertTrue(e.getMessage().endsWith("global os.system is not allowed in a checkpoint (pickle opcode at offset 2)"),
                e.getMessage());
    }

    @Test
    void unknownOpcodeIsRejectedWithItsOffset() throws IOException {
        byte[] pkl = ascii("\u0080\u0002}i__builtin__\nobject\n.");
        IOException e = assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(pkl)));
        assertTrue(e.getMessage().endsWith("unsupported pickle opcode 0x69 ('i') (pickle opcode at offset 3)"),
                e.getMessage());
    }

    @Test
    void truncatedPickleIsRejected() throws IOException {
        byte[] whole = new PyTorchCheckpointWriter("x").add("w", GgmlType.F32, new long[] {1}, bytes(4, 0)).pickle();
        for (int length : new int[] {0, 1, 5, whole.length / 2, whole.length - 1}) {
            byte[] truncated = java.util.Arrays.copyOf(whole, length);
            IOException e = assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(truncated)),
                    "length " + length);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("runs past the end"),
                    e.getMessage());
        }
    }

    @Test
    void absurdSizesAreRejectedWithoutAllocating() throws IOException {
        byte[] hugeString = ascii("\u0080\u0002X\u00ff\u00ff\u00ff\u00ff.");
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(hugeString)))
                .getMessage().contains("string of 4294967295 bytes runs past the end of the pickle"));

        byte[] hugeInteger = ascii("\u0080\u0002\u008a\u0040" + "\u0001".repeat(64) + ".");
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(hugeInteger)))
                .getMessage().contains("integer of 64 bytes does not fit in 64 bits"));

        // A storage that claims 2^40 elements but whose entry holds 16 bytes.
        PickleWriter pickle = new PickleWriter().protocol2().op('}').op('(');
        tensor(pickle, "w", new long[] {4}, new long[] {1}, 0, 1L << 40);
        Path lying = zip("lying.pth", "l/", pickle.op('u').op('.').toByteArray(), Map.of("0", bytes(16, 0)),
                ZipEntry.STORED);
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(lying)).getMessage()
                .contains("entry l/data/0 has 16 bytes, but its storage of 1099511627776 F32 elements needs 4398046511104"));

        // Dimensions whose product overflows.
        PickleWriter overflow = new PickleWriter().protocol2().op('}').op('(');
        tensor(overflow, "w", new long[] {1L << 40, 1L << 40}, new long[] {1L << 40, 1}, 0, 4);
        Path overflowing = zip("overflow.pth", "o/", overflow.op('u').op('.').toByteArray(), Map.of("0", bytes(16, 0)),
                ZipEntry.STORED);
        assertThrows(IOException.class, () -> PyTorchCheckpoint.open(overflowing));
    }

    @Test
    void objectFloodAndNestedKeysAreRejected() throws IOException {
        // A million and one empty dicts in a ~1 MB pickle.
        byte[] flood = new byte[2 + Unpickler.MAX_OBJECTS + 1 + 1];
        flood[0] = (byte) 0x80;
        flood[1] = 2;
        java.util.Arrays.fill(flood, 2, flood.length - 1, (byte) '}');
        flood[flood.length - 1] = '.';
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(flood))).getMessage()
                .contains("pickle builds more than 1000000 objects"));

        // {((((0,),),),): 0}: tuple keys would make hashing recurse; only str/int keys are taken.
        byte[] nested = ascii("\u0080\u0002}K\u0000\u0085\u0085\u0085\u0085K\u0000s.");
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(nested))).getMessage()
                .contains("dict key a tuple of 1 items is not a string or an integer"));
    }

    @Test
    void tensorBeyondItsStorageIsRejected() throws IOException {
        PickleWriter pickle = new PickleWriter().protocol2().op('}').op('(');
        tensor(pickle, "w", new long[] {4}, new long[] {1}, 2, 4);
        Path file = zip("beyond.pth", "b/", pickle.op('u').op('.').toByteArray(), Map.of("0", bytes(16, 0)),
                ZipEntry.STORED);
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(file)).getMessage()
                .contains("tensor 'w' needs elements 2..6 of a storage of 4"));
    }

    @Test
    void unsupportedStorageTypeIsRejected() throws IOException {
        byte[] pkl = ascii("\u0080\u0002}(X\u0001\u0000\u0000\u0000wctorch._utils\n_rebuild_tensor_v2\n"
                + "((X\u0007\u0000\u0000\u0000storagectorch\nLongStorage\n");
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(pklOnly(pkl))).getMessage()
                .contains("global torch.LongStorage is not allowed"));
    }

    @Test
    void bigEndianArchiveIsRejected() throws IOException {
        Path file = directory.resolve("be.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            put(zip, "be/data.pkl", ascii("\u0080\u0002}."), ZipEntry.STORED);
            put(zip, "be/byteorder", ascii("big"), ZipEntry.STORED);
        }
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(file)).getMessage()
                .endsWith("byte order 'big' is not supported (only little-endian)"));
    }

    @Test
    void notACheckpointIsRejected() throws IOException {
        Path text = Files.writeString(directory.resolve("notes.pth"), "hello");
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(text)).getMessage()
                .startsWith(text + ": not a PyTorch zip checkpoint"));
        Path emptyZip = directory.resolve("empty.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(emptyZip))) {
            put(zip, "x/other", ascii("x"), ZipEntry.STORED);
        }
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(emptyZip)).getMessage()
                .contains("no <archive>/data.pkl entry"));
        Path list = pklOnly(ascii("\u0080\u0002]."));
        assertTrue(assertThrows(IOException.class, () -> PyTorchCheckpoint.open(list)).getMessage()
                .contains("not a state dict"));
    }

    /** Appends {@code name: _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', numel), ...)} to a SETITEMS batch. */
    private static void tensor(PickleWriter pickle, String name, long[] size, long[] stride, long offset, long numel) {
        pickle.string(name).global("torch._utils", "_rebuild_tensor_v2").op('(')
                .op('(').string("storage").global("torch", "FloatStorage").string("0").string("cpu").integer(numel)
                .op('t').op('Q')
                .integer(offset).integerTuple(size).integerTuple(stride).op(0x89)
                .global("collections", "OrderedDict").op(')').op('R')
                .op('t').op('R');
    }

    private Path pklOnly(byte[] pkl) throws IOException {
        return zip("raw.pth", "raw/", pkl, Map.of(), ZipEntry.STORED);
    }

    private Path zip(String fileName, String prefix, byte[] pkl, Map<String, byte[]> storages, int method)
            throws IOException {
        Path file = directory.resolve(fileName);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            put(zip, prefix + "data.pkl", pkl, method);
            put(zip, prefix + "byteorder", ascii("little"), method);
            for (Map.Entry<String, byte[]> storage : new LinkedHashMap<>(storages).entrySet()) {
                put(zip, prefix + "data/" + storage.getKey(), storage.getValue(), method);
            }
        }
        return file;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data, int method) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(method);
        if (method == ZipEntry.STORED) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data);
            entry.setSize(data.length);
            entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    static byte[] read(TensorSource tensor) throws IOException {
        try (InputStream in = Channels.newInputStream(tensor.open())) {
            return in.readAllBytes();
        }
    }

    static byte[] bytes(int count, int seed) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return bytes;
    }

    private static byte[] ascii(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
