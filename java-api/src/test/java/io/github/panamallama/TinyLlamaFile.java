package io.github.panamallama;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a tiny llama-architecture GGUF (2 layers, 64-wide, GQA 4/2 heads like Mistral, F32)
 * with deterministic pseudo-random weights and a small SentencePiece-style vocabulary: the
 * 3 special tokens, 256 byte-fallback tokens and a few words. Its output is meaningless but
 * deterministic: enough to exercise decoding, sampling, state and generation for real.
 */
final class TinyLlamaFile {
    static final int EMBD = 64;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int FF = 128;
    static final int LAYERS = 2;
    static final int TRAIN_CONTEXT = 512;
    static final List<String> WORDS = List.of("▁", "▁Hello", "▁world", "Hello", "▁the", "▁a", "▁END", "END",
            "▁more", "lo", "▁wor", "ld", "▁once", "▁upon", "▁time");
    /** Longer than the first buffer the metadata readers try: exercises their retry. */
    static final String LONG_DESCRIPTION = "A test model. ".repeat(100) + "Ünïcödé 🦙 end.";
    private static final int ALIGNMENT = 32;

    /** A ChatML Jinja template, as a model would carry it in tokenizer.chat_template. */
    static final String CHATML_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
            + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static Path path;
    private static Path withTemplate;

    private TinyLlamaFile() {}

    static synchronized Path get() {
        if (path == null) {
            path = create(Map.of());
        }
        return path;
    }

    /** The same model with a chat template in its metadata. */
    static synchronized Path withChatTemplate() {
        if (withTemplate == null) {
            withTemplate = create(Map.of("tokenizer.chat_template", CHATML_TEMPLATE));
        }
        return withTemplate;
    }

    private static Path create(Map<String, Object> extra) {
        try {
            Path file = Files.createTempFile("tiny-llama-", ".gguf");
            file.toFile().deleteOnExit();
            write(file, extra);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> tokens() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        for (char c = 'a'; c <= 'z'; c++) {
            tokens.add(String.valueOf(c));
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            tokens.add(String.valueOf(c));
        }
        // SentencePiece merges pairs into longer pieces only through pieces in the vocabulary:
        // add every prefix of each word so whole words can form.
        java.util.Set<String> seen = new java.util.HashSet<>(tokens);
        for (String word : WORDS) {
            for (int end = 1; end <= word.length(); end++) {
                String prefix = word.substring(0, end);
                if (seen.add(prefix)) {
                    tokens.add(prefix);
                }
            }
        }
        return tokens;
    }

    static int vocabSize() {
        return tokens().size();
    }

    private static void write(Path file, Map<String, Object> extra) throws IOException {
        List<String> tokens = tokens();
        int vocab = tokens.size();
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        for (int i = 0; i < vocab; i++) {
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1;
            // Longer pieces score higher, so the SPM tokenizer prefers whole words.
            scores[i] = i < 259 ? 0 : -1000f + tokens.get(i).length() * 10;
        }
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("general.architecture", "llama");
        kv.put("general.name", "tiny-llama-test");
        kv.put("general.description", LONG_DESCRIPTION);
        kv.put("llama.context_length", TRAIN_CONTEXT);
        kv.put("llama.embedding_length", EMBD);
        kv.put("llama.block_count", LAYERS);
        kv.put("llama.feed_forward_length", FF);
        kv.put("llama.attention.head_count", HEADS);
        kv.put("llama.attention.head_count_kv", KV_HEADS);
        kv.put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        kv.put("llama.rope.dimension_count", EMBD / HEADS);
        kv.put("llama.rope.freq_base", 1_000_000f);
        kv.put("tokenizer.ggml.model", "llama");
        kv.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
        kv.put("tokenizer.ggml.scores", scores);
        kv.put("tokenizer.ggml.token_type", types);
        kv.put("tokenizer.ggml.bos_token_id", 1);
        kv.put("tokenizer.ggml.eos_token_id", 2);
        kv.put("tokenizer.ggml.unknown_token_id", 0);
        kv.put("tokenizer.ggml.add_bos_token", true);
        kv.put("tokenizer.ggml.add_eos_token", false);
        kv.putAll(extra);

        int headDim = EMBD / HEADS;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("token_embd.weight", new long[] {EMBD, vocab});
        shapes.put("output_norm.weight", new long[] {EMBD});
        shapes.put("output.weight", new long[] {EMBD, vocab});
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            shapes.put(b + "attn_norm.weight", new long[] {EMBD});
            shapes.put(b + "attn_q.weight", new long[] {EMBD, EMBD});
            shapes.put(b + "attn_k.weight", new long[] {EMBD, (long) headDim * KV_HEADS});
            shapes.put(b + "attn_v.weight", new long[] {EMBD, (long) headDim * KV_HEADS});
            shapes.put(b + "attn_output.weight", new long[] {EMBD, EMBD});
            shapes.put(b + "ffn_norm.weight", new long[] {EMBD});
            shapes.put(b + "ffn_gate.weight", new long[] {EMBD, FF});
            shapes.put(b + "ffn_up.weight", new long[] {EMBD, FF});
            shapes.put(b + "ffn_down.weight", new long[] {FF, EMBD});
        }

        Buf header = new Buf();
        header.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        header.u32(3);
        header.u64(shapes.size());
        header.u64(kv.size());
        kv.forEach(header::keyValue);
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Map.Entry<String, long[]> tensor : shapes.entrySet()) {
            header.string(tensor.getKey());
            header.u32(tensor.getValue().length);
            for (long dim : tensor.getValue()) {
                header.u64(dim);
            }
            header.u32(0); // GGML_TYPE_F32
            header.u64(offset);
            offsets.add(offset);
            offset = align(offset + elements(tensor.getValue()) * 4);
        }
        header.pad();

        SplittableRandom random = new SplittableRandom(42);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header.toArray());
            long written = 0;
            int i = 0;
            for (Map.Entry<String, long[]> tensor : shapes.entrySet()) {
                long start = offsets.get(i++);
                out.write(new byte[(int) (start - written)]);
                long n = elements(tensor.getValue());
                boolean norm = tensor.getKey().contains("norm");
                double scale = 1.0 / Math.sqrt(tensor.getValue()[0]);
                ByteBuffer data = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (long k = 0; k < n; k++) {
                    data.putFloat(norm ? 1f : (float) ((random.nextDouble() * 2 - 1) * 1.7 * scale));
                }
                out.write(data.array());
                written = start + n * 4;
            }
        }
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** A little-endian GGUF byte writer. */
    private static final class Buf {
        private ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        void ensure(int more) {
            if (buffer.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        void bytes(byte[] b) { ensure(b.length); buffer.put(b); }
        void u32(int v) { ensure(4); buffer.putInt(v); }
        void u64(long v) { ensure(8); buffer.putLong(v); }
        void f32(float v) { ensure(4); buffer.putFloat(v); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void keyValue(String key, Object value) {
            string(key);
            switch (value) {
                case String s -> { u32(8); string(s); }
                case Integer i -> { u32(4); u32(i); } // hyperparameters are uint32
                case Float f -> { u32(6); f32(f); }
                case Boolean b -> { u32(7); bytes(new byte[] {(byte) (b ? 1 : 0)}); }
                case String[] a -> { u32(9); u32(8); u64(a.length); for (String s : a) string(s); }
                case float[] a -> { u32(9); u32(6); u64(a.length); for (float f : a) f32(f); }
                case int[] a -> { u32(9); u32(5); u64(a.length); for (int i : a) u32(i); }
                default -> throw new IllegalArgumentException("unsupported GGUF value " + value);
            }
        }

        void pad() {
            int pad = (int) (align(buffer.position()) - buffer.position());
            bytes(new byte[pad]);
        }

        byte[] toArray() {
            byte[] out = new byte[buffer.position()];
            buffer.flip();
            buffer.get(out);
            return out;
        }
    }
}
