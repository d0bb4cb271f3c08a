package io.github.panamallama.convert.pytorch;

import io.github.panamallama.convert.Checkpoint;
import io.github.panamallama.convert.SourceType;
import io.github.panamallama.convert.TensorSource;
import io.github.panamallama.convert.pytorch.Unpickler.TensorRef;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint written by {@code torch.save} in its zip format (the {@code .pth} of
 * Meta and Mistral releases): a state dict of name to tensor. The pickle is interpreted by a
 * whitelisting reader (no code runs); tensor bytes are streamed from the zip entries on demand,
 * so a 14 GB checkpoint costs only its index in memory. Supports F32, F16 and BF16 storages,
 * contiguous row-major tensors and little-endian archives.
 */
public final class PyTorchCheckpoint implements Checkpoint {
    /** The pickle of a state dict is small (tens of KB for 7B); larger is not a checkpoint. */
    static final long MAX_PICKLE_BYTES = 16L << 20;

    private final Path path;
    private final ZipFile zip;
    private final List<TensorSource> tensors;

    private PyTorchCheckpoint(Path path, ZipFile zip, List<TensorSource> tensors) {
        this.path = path;
        this.zip = zip;
        this.tensors = tensors;
    }

    /**
     * Opens a {@code .pth} file and reads its index.
     *
     * @throws IOException if the file is not a readable torch zip checkpoint, or uses a pickle
     *     feature, storage type or tensor layout outside what is supported; the message names
     *     the file and the offending item
     */
    public static PyTorchCheckpoint open(Path pth) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(pth.toFile());
        } catch (IOException e) {
            throw new IOException(pth + ": not a PyTorch zip checkpoint (" + e.getMessage() + ")", e);
        }
        try {
            String prefix = archivePrefix(zip, pth);
            checkByteOrder(zip, prefix, pth);
            Object root = Unpickler.load(readSmallEntry(zip, prefix + "data.pkl", MAX_PICKLE_BYTES, pth));
            List<TensorSource> tensors = index(zip, prefix, root, pth);
            return new PyTorchCheckpoint(pth, zip, tensors);
        } catch (IOException | RuntimeException e) {
            zip.close();
            if (e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith(pth.toString())) {
                throw io;
            }
            throw new IOException(pth + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<TensorSource> tensors() {
        return tensors;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    @Override
    public String toString() {
        return "PyTorchCheckpoint[" + path + ", " + tensors.size() + " tensors]";
    }

    /** The folder every entry lives in (torch names it after the file; it varies). */
    private static String archivePrefix(ZipFile zip, Path pth) throws IOException {
        return zip.stream()
                .map(ZipEntry::getName)
                .filter(name -> name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length())
                .findFirst()
                .map(name -> name.substring(0, name.length() - "data.pkl".length()))
                .orElseThrow(() -> new IOException(pth + ": no <archive>/data.pkl entry: not a torch.save zip checkpoint"));
    }

    private static void checkByteOrder(ZipFile zip, String prefix, Path pth) throws IOException {
        if (zip.getEntry(prefix + "byteorder") == null) {
            return; // written before torch recorded it: those versions only wrote little-endian
        }
        String order = new String(readSmallEntry(zip, prefix + "byteorder", 16, pth), StandardCharsets.US_ASCII).strip();
        if (!order.equals("little")) {
            throw new IOException(pth + ": byte order '" + order + "' is not supported (only little-endian)");
        }
    }

    private static byte[] readSmallEntry(ZipFile zip, String name, long limit, Path pth) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException(pth + ": missing entry " + name);
        }
        if (entry.getSize() > limit) {
            throw new IOException(pth + ": entry " + name + " has " + entry.getSize() + " bytes, more than the "
                    + limit + " expected");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) limit + 1);
            if (bytes.length > limit) {
                throw new IOException(pth + ": entry " + name + " is larger than " + limit + " bytes");
            }
            return bytes;
        }
    }

    private static List<TensorSource> index(ZipFile zip, String prefix, Object root, Path pth) throws IOException {
        if (!(root instanceof Map<?, ?> stateDict)) {
            throw new IOException(pth + ": the pickle holds " + root.getClass().getSimpleName() + ", not a state dict");
        }
        List<TensorSource> tensors = new ArrayList<>(stateDict.size());
        for (Map.Entry<?, ?> item : stateDict.entrySet()) {
            if (!(item.getKey() instanceof String name)) {
                throw new IOException(pth + ": state dict key " + item.getKey() + " is not a string");
            }
            if (!(item.getValue() instanceof TensorRef tensor)) {
                throw new IOException(pth + ": state dict value of '" + name + "' is not a tensor");
            }
            tensors.add(source(zip, prefix, name, tensor, pth));
        }
        return Collections.unmodifiableList(tensors);
    }

    private static TensorSource source(ZipFile zip, String prefix, String name, TensorRef tensor, Path pth)
            throws IOException {
        long elements = 1;
        for (int i = tensor.size().length - 1; i >= 0; i--) {
            if (tensor.size()[i] != 1 && tensor.stride()[i] != elements) {
                throw new IOException(pth + ": tensor '" + name + "' is not contiguous row-major (size "
                        + java.util.Arrays.toString(tensor.size()) + ", stride "
                        + java.util.Arrays.toString(tensor.stride()) + "); save it with .contiguous()");
            }
            elements = Math.multiplyExact(elements, tensor.size()[i]);
        }
        Unpickler.StorageRef storage = tensor.storage();
        if (Math.addExact(tensor.storageOffset(), elements) > storage.elements()) {
            throw new IOException(pth + ": tensor '" + name + "' needs elements " + tensor.storageOffset() + ".."
                    + (tensor.storageOffset() + elements) + " of a storage of " + storage.elements());
        }
        String entryName = prefix + "data/" + storage.key();
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new IOException(pth + ": tensor '" + name + "' refers to missing entry " + entryName);
        }
        long storageBytes = Math.multiplyExact(storage.elements(), storage.type().bytes());
        if (entry.getSize() != storageBytes) {
            throw new IOException(pth + ": entry " + entryName + " has " + entry.getSize() + " bytes, but its storage of "
                    + storage.elements() + " " + storage.type() + " elements needs " + storageBytes);
        }
        long skip = Math.multiplyExact(tensor.storageOffset(), storage.type().bytes());
        return new ZipTensor(zip, entry, name, storage.type(), tensor.size().clone(), skip);
    }

    /** A tensor's bytes: a slice of one stored (or deflated) zip entry. */
    private record ZipTensor(ZipFile zip, ZipEntry entry, String name, SourceType type, long[] dimensions,
            long skip) implements TensorSource {
        @Override
        public long[] shape() {
            return dimensions.clone();
        }

        @Override
        public ReadableByteChannel open() throws IOException {
            InputStream in = zip.getInputStream(entry);
            try {
                in.skipNBytes(skip); // cheap on stored entries: the zip stream just moves its position
            } catch (IOException e) {
                in.close();
                throw e;
            }
            return Channels.newChannel(new LimitedInputStream(in, byteSize()));
        }

        @Override
        public String toString() {
            return name + " " + type + java.util.Arrays.toString(dimensions);
        }
    }

    /** Ends the stream after {@code remaining} bytes: the tensor, not the rest of its storage. */
    private static final class LimitedInputStream extends FilterInputStream {
        private long remaining;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int count = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (count > 0) {
                remaining -= count;
            }
            return count;
        }

        @Override
        public long skip(long count) throws IOException {
            long skipped = super.skip(Math.min(count, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }
    }
}
