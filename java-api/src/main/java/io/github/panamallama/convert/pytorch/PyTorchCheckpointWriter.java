package io.github.panamallama.convert.pytorch;

import io.github.panamallama.convert.SourceType;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state dict the way {@code torch.save} does (zip format, pickle protocol 2): an
 * {@code OrderedDict} of {@code _rebuild_tensor_v2} calls over one storage per tensor, stored
 * (uncompressed) entries with tensor data aligned to 64 bytes. Output is byte-for-byte
 * deterministic. For test fixtures and tools, since no torch is at hand: tensors are held in
 * memory until {@link #write}.
 */
public final class PyTorchCheckpointWriter {
    /** torch aligns storage data in the archive to this many bytes so it can be mmapped. */
    private static final int ALIGNMENT = 64;
    /** A fixed entry time, so the same tensors always give the same bytes. */
    private static final long ENTRY_TIME = 946_684_800_000L; // 2000-01-01T00:00:00Z
    /** Like CPython's pickler: SETITEMS in batches of this many pairs. */
    private static final int BATCH = 1000;

    private final String archiveName;
    private final List<Tensor> tensors = new ArrayList<>();
    private final java.util.Set<String> names = new java.util.HashSet<>();

    private record Tensor(String name, SourceType type, long[] shape, byte[] data) {}

    /** @param archiveName the folder inside the zip; torch uses the file name without extension */
    public PyTorchCheckpointWriter(String archiveName) {
        if (!archiveName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("archive name '" + archiveName + "' must be a plain folder name");
        }
        this.archiveName = archiveName;
    }

    /**
     * Adds a tensor.
     *
     * @param littleEndianData the elements in row-major order, {@code type.bytes()} each
     * @throws IllegalArgumentException if the data length does not match the shape, or the name repeats
     */
    public PyTorchCheckpointWriter add(String name, SourceType type, long[] shape, byte[] littleEndianData) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        long elements = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has negative dimension " + dimension);
            }
            elements = Math.multiplyExact(elements, dimension);
        }
        if (littleEndianData.length != elements * type.bytes()) {
            throw new IllegalArgumentException("tensor '" + name + "' of " + elements + " " + type + " elements needs "
                    + elements * type.bytes() + " bytes, got " + littleEndianData.length);
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        tensors.add(new Tensor(name, type, shape.clone(), littleEndianData));
        return this;
    }

    /** Writes the checkpoint, replacing {@code file}. */
    public void write(Path file) throws IOException {
        String prefix = archiveName + "/";
        try (CountingOutputStream counting = new CountingOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
                ZipOutputStream zip = new ZipOutputStream(counting)) {
            putStored(zip, counting, prefix + "data.pkl", pickle(), false);
            putStored(zip, counting, prefix + "byteorder", "little".getBytes(StandardCharsets.US_ASCII), false);
            for (int i = 0; i < tensors.size(); i++) {
                putStored(zip, counting, prefix + "data/" + i, tensors.get(i).data(), true);
            }
            putStored(zip, counting, prefix + "version", "3\n".getBytes(StandardCharsets.US_ASCII), false);
        }
    }

    /** The pickle of {@code OrderedDict(name -> _rebuild_tensor_v2(storage i, 0, shape, stride, False, OrderedDict()))}. */
    byte[] pickle() {
        PickleWriter pickle = new PickleWriter().protocol2();
        pickle.global("collections", "OrderedDict").op(')').op('R').anonymousMemo();
        for (int start = 0; start < tensors.size(); start += BATCH) {
            pickle.op('(');
            for (int i = start; i < Math.min(tensors.size(), start + BATCH); i++) {
                Tensor tensor = tensors.get(i);
                pickle.string(tensor.name());
                pickle.global("torch._utils", "_rebuild_tensor_v2");
                pickle.op('(');
                pickle.op('(')
                        .string("storage")
                        .global("torch", storageClass(tensor.type()))
                        .string(Integer.toString(i))
                        .string("cpu")
                        .integer(tensor.data().length / tensor.type().bytes())
                        .op('t').anonymousMemo()
                        .op('Q');
                pickle.integer(0);
                pickle.integerTuple(tensor.shape());
                pickle.integerTuple(contiguousStride(tensor.shape()));
                pickle.op(0x89); // requires_grad=False
                pickle.global("collections", "OrderedDict").op(')').op('R').anonymousMemo();
                pickle.op('t').anonymousMemo();
                pickle.op('R').anonymousMemo();
            }
            pickle.op('u');
        }
        return pickle.op('.').toByteArray();
    }

    private static String storageClass(SourceType type) {
        return switch (type) {
            case F32 -> "FloatStorage";
            case F16 -> "HalfStorage";
            case BF16 -> "BFloat16Storage";
        };
    }

    static long[] contiguousStride(long[] shape) {
        long[] stride = new long[shape.length];
        long step = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = step;
            step *= shape[i];
        }
        return stride;
    }

    private static void putStored(ZipOutputStream zip, CountingOutputStream counting, String name, byte[] data,
            boolean aligned) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setTime(ENTRY_TIME);
        entry.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        if (aligned) {
            // Local header: 30 fixed bytes, the name, then the extra field; pad the extra field
            // (torch's "FB" record of zeros) so that the data starts on an aligned offset.
            // ZipOutputStream writes stored entries straight through, so the count is exact here.
            long dataStart = counting.count() + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
            int padding = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
            byte[] extra = new byte[4 + padding];
            extra[0] = 'F';
            extra[1] = 'B';
            extra[2] = (byte) padding;
            extra[3] = (byte) (padding >>> 8);
            entry.setExtra(extra);
        }
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    /** Knows how many bytes went through, for the alignment padding. */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            count += length;
        }
    }
}
