package io.github.panamallama.tests.mutation;

import io.github.panamallama.MetadataOverride;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One damaged variant of the fixture model: a file mutation, or load-time metadata overrides. */
public sealed interface Mutant {
    /** What was done, precise enough to reproduce it by hand. */
    String recipe();

    /** A mutant that is a different file. */
    non-sealed interface FileMutant extends Mutant {
        byte[] apply(GgufLayout base);
    }

    /** Sets a key to a value (of any type), adding the key if the file lacks it. */
    record SetEntry(String key, GgufEncoding.Value value) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            List<byte[]> entries = base.entryBytes();
            byte[] replacement = GgufEncoding.entry(key, value);
            int index = indexOf(base, key);
            if (index < 0) {
                entries.add(replacement);
            } else {
                entries.set(index, replacement);
            }
            return base.assemble(entries, base.tensors());
        }

        @Override
        public String recipe() {
            return "set " + key + " = " + value;
        }
    }

    /**
     * Claims another architecture: sets {@code general.architecture} and renames every
     * {@code <old>.} key to {@code <new>.}, so the loader reads the fixture's hyperparameters
     * through that architecture's code.
     */
    record Rearchitect(String from, String to) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            List<byte[]> entries = new ArrayList<>();
            for (GgufLayout.Entry entry : base.entries()) {
                if (entry.key().equals("general.architecture")) {
                    entries.add(GgufEncoding.entry(entry.key(), GgufEncoding.string(to)));
                } else if (entry.key().startsWith(from + ".")) {
                    String key = to + entry.key().substring(from.length());
                    entries.add(GgufEncoding.entry(key, GgufEncoding.valueOf(entry, "")));
                } else {
                    entries.add(entry.bytes());
                }
            }
            return base.assemble(entries, base.tensors());
        }

        @Override
        public String recipe() {
            return "claim architecture '" + to + "' (general.architecture and every " + from + ".* key renamed)";
        }
    }

    record RemoveEntry(String key) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            List<byte[]> entries = base.entryBytes();
            entries.remove(indexOf(base, key));
            return base.assemble(entries, base.tensors());
        }

        @Override
        public String recipe() {
            return "remove " + key;
        }
    }

    /** Replaces one tensor info (name, dimensions, type or offset changed). */
    record SetTensor(int index, GgufLayout.TensorInfo info) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            List<GgufLayout.TensorInfo> tensors = new ArrayList<>(base.tensors());
            tensors.set(index, info);
            return base.assemble(base.entryBytes(), tensors);
        }

        @Override
        public String recipe() {
            return "tensor " + index + " := " + info;
        }
    }

    record RemoveTensor(int index, String name) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            List<GgufLayout.TensorInfo> tensors = new ArrayList<>(base.tensors());
            tensors.remove(index);
            return base.assemble(base.entryBytes(), tensors);
        }

        @Override
        public String recipe() {
            return "remove tensor " + index + " (" + name + ")";
        }
    }

    record FlipByte(int position, int mask) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            byte[] bytes = base.bytes().clone();
            bytes[position] ^= (byte) mask;
            return bytes;
        }

        @Override
        public String recipe() {
            return "xor byte " + position + " with 0x" + Integer.toHexString(mask);
        }
    }

    record Truncate(int length) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            return Arrays.copyOf(base.bytes(), length);
        }

        @Override
        public String recipe() {
            return "truncate to " + length + " bytes";
        }
    }

    /** Several file mutations, one after the other. */
    record Steps(List<FileMutant> steps) implements FileMutant {
        @Override
        public byte[] apply(GgufLayout base) {
            GgufLayout layout = base;
            for (FileMutant step : steps) {
                layout = GgufLayout.parse(step.apply(layout));
            }
            return layout.bytes();
        }

        @Override
        public String recipe() {
            return String.join(", then ", steps.stream().map(Mutant::recipe).toList());
        }
    }

    /** The fixture (or a file mutant of it) loaded with these overrides. */
    record Overrides(List<MetadataOverride> overrides, FileMutant file) implements Mutant {
        public Overrides(List<MetadataOverride> overrides) {
            this(overrides, null);
        }

        @Override
        public String recipe() {
            return (file == null ? "" : file.recipe() + ", then ") + "override " + overrides;
        }
    }

    private static int indexOf(GgufLayout base, String key) {
        List<GgufLayout.Entry> entries = base.entries();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }
}
