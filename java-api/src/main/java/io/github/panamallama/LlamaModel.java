package io.github.panamallama;

import static io.github.panamallama.internal.llama.llama_h.*;

import io.github.panamallama.gguf.GgufFile;
import io.github.panamallama.gguf.GgufFormatException;
import io.github.panamallama.internal.lifecycle.Cleaners;
import io.github.panamallama.internal.lifecycle.Lifetime;
import io.github.panamallama.internal.validation.InvalidModelException;
import io.github.panamallama.internal.validation.LoadedVocabularyCheck;
import io.github.panamallama.internal.validation.ModelValidation;
import io.github.panamallama.internal.llama.llama_model_kv_override;
import io.github.panamallama.internal.llama.llama_model_params;
import io.github.panamallama.internal.llama.llama_progress_callback;
import io.github.panamallama.internal.runtime.NativeLog;
import io.github.panamallama.internal.runtime.RpcDevices;
import io.github.panamallama.internal.text.NativeText;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * A loaded GGUF model: weights, vocabulary and metadata.
 *
 * <p><b>Threads:</b> a model is safe to use from several threads for read-only work
 * (metadata, tokenization, creating contexts); each {@link LlamaContext} is single-threaded.
 *
 * <p><b>Lifetime:</b> {@link #close()} makes the model unusable at once, but the native model
 * is freed only when the last {@link LlamaContext} and {@link Sampler} created from it are
 * closed too: children keep their model alive.
 */
public final class LlamaModel implements AutoCloseable {

    private final Path path;
    private final Lifetime lifetime;
    private final MemorySegment handle;
    private final Vocabulary vocabulary;
    private final Cleaner.Cleanable cleanable;
    private final boolean vocabOnly;

    private LlamaModel(Path path, Lifetime lifetime, MemorySegment handle, boolean vocabOnly) {
        this.path = path;
        this.vocabOnly = vocabOnly;
        this.lifetime = lifetime;
        this.handle = handle;
        this.vocabulary = new Vocabulary(this, llama_model_get_vocab(handle));
        this.cleanable = Cleaners.register(this, lifetime);
    }

    /** Loads a model with the default options. */
    public static LlamaModel load(Path path) {
        return load(path, ModelOptions.defaults());
    }

    /**
     * Loads a GGUF model file.
     *
     * @throws ModelLoadException naming the path and the reason: missing, unreadable, not GGUF,
     *     or rejected by llama.cpp (with llama.cpp's own error message)
     * @throws ModelLoadCancelledException if the progress listener returned false
     */
    public static LlamaModel load(Path path, ModelOptions options) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        LlamaRuntime.get();
        checkGgufFile(path, options);
        checkTensorSplit(path, options);
        List<MemorySegment> devices = devices(path, options);
        Lifetime lifetime = new Lifetime("LlamaModel " + path.getFileName());
        ProgressRelay relay = new ProgressRelay(options.progressListener().orElse(null));
        MemorySegment handle;
        try (Arena call = Arena.ofConfined(); NativeLog.ErrorCapture errors = NativeLog.captureErrors()) {
            MemorySegment params = llama_model_default_params(call);
            applyOptions(params, options, call);
            applyDevices(params, devices, options.tensorSplit(), call);
            if (relay.listener != null) {
                llama_model_params.progress_callback(params,
                        llama_progress_callback.allocate(relay::onProgress, call));
            }
            handle = llama_model_load_from_file(call.allocateFrom(path.toString()), params);
            if (relay.failure != null) {
                if (!handle.equals(MemorySegment.NULL)) {
                    llama_model_free(handle);
                }
                lifetime.close();
                throw rethrowable(relay.failure, path);
            }
            if (handle.equals(MemorySegment.NULL)) {
                lifetime.close();
                if (relay.cancelled) {
                    throw new ModelLoadCancelledException(path, relay.lastProgress);
                }
                String reason = errors.text();
                throw new ModelLoadException(path, reason.isEmpty() ? "llama.cpp could not load it" : reason);
            }
        }
        Optional<String> vocabularyProblem = LoadedVocabularyCheck.problem(llama_model_get_vocab(handle));
        if (vocabularyProblem.isPresent()) {
            llama_model_free(handle);
            lifetime.close();
            throw new ModelLoadException(path, vocabularyProblem.get());
        }
        return new LlamaModel(path, lifetime, handle.reinterpret(lifetime.arena(), m -> llama_model_free(m)),
                options.vocabOnly());
    }

    private static void applyOptions(MemorySegment params, ModelOptions options, Arena call) {
        llama_model_params.n_gpu_layers(params, options.gpuLayers());
        llama_model_params.split_mode(params, options.splitMode().nativeValue);
        llama_model_params.main_gpu(params, options.mainGpu());
        llama_model_params.vocab_only(params, options.vocabOnly());
        llama_model_params.check_tensors(params, options.checkTensors());
        llama_model_params.use_extra_bufts(params, options.weightRepacking());
        llama_model_params.load_mode(params, loadMode(options));
        List<MetadataOverride> overrides = options.metadataOverrides();
        if (!overrides.isEmpty()) {
            // llama.cpp reads the array up to an entry whose key is empty: allocate one more,
            // zeroed, as the terminator.
            MemorySegment array = llama_model_kv_override.allocateArray(overrides.size() + 1L, call);
            array.fill((byte) 0);
            for (int i = 0; i < overrides.size(); i++) {
                writeOverride(llama_model_kv_override.asSlice(array, i), overrides.get(i));
            }
            llama_model_params.kv_overrides(params, array);
        }
    }

    /** Empty for llama.cpp's own choice; with RPC servers, their devices then the local GPUs. */
    private static List<MemorySegment> devices(Path path, ModelOptions options) {
        if (options.rpcServers().isEmpty()) {
            return List.of();
        }
        try {
            return RpcDevices.forServers(options.rpcServers(), LlamaRuntime.get().library());
        } catch (IllegalStateException e) {
            throw new ModelLoadException(path, e.getMessage(), e);
        }
    }

    private static void checkTensorSplit(Path path, ModelOptions options) {
        long max = llama_max_devices();
        if (options.tensorSplit().size() > max) {
            throw new ModelLoadException(path, "tensorSplit has " + options.tensorSplit().size()
                    + " shares, but llama.cpp takes at most " + max + " devices");
        }
    }

    private static void applyDevices(MemorySegment params, List<MemorySegment> devices, List<Float> split, Arena call) {
        if (!devices.isEmpty()) {
            // A NULL-terminated array: allocate one more, zeroed, as the terminator.
            MemorySegment array = call.allocate(ValueLayout.ADDRESS, devices.size() + 1L);
            for (int i = 0; i < devices.size(); i++) {
                array.setAtIndex(ValueLayout.ADDRESS, i, devices.get(i));
            }
            llama_model_params.devices(params, array);
        }
        if (!split.isEmpty()) {
            // llama.cpp reads llama_max_devices() floats; the unnamed devices get share 0.
            MemorySegment shares = call.allocate(ValueLayout.JAVA_FLOAT, llama_max_devices());
            for (int i = 0; i < split.size(); i++) {
                shares.setAtIndex(ValueLayout.JAVA_FLOAT, i, split.get(i));
            }
            llama_model_params.tensor_split(params, shares);
        }
    }

    private static int loadMode(ModelOptions options) {
        if (options.useMmap().isEmpty()) {
            return options.useMlock() ? LLAMA_LOAD_MODE_MMAP_MLOCK() : LLAMA_LOAD_MODE_AUTO();
        }
        boolean mmap = options.useMmap().get();
        if (mmap) {
            return options.useMlock() ? LLAMA_LOAD_MODE_MMAP_MLOCK() : LLAMA_LOAD_MODE_MMAP();
        }
        return options.useMlock() ? LLAMA_LOAD_MODE_MLOCK() : LLAMA_LOAD_MODE_NONE();
    }

    private static void writeOverride(MemorySegment entry, MetadataOverride override) {
        copyCString(override.key(), llama_model_kv_override.key(entry));
        switch (override) {
            case MetadataOverride.IntValue v -> {
                llama_model_kv_override.tag(entry, LLAMA_KV_OVERRIDE_TYPE_INT());
                llama_model_kv_override.val_i64(entry, v.value());
            }
            case MetadataOverride.FloatValue v -> {
                llama_model_kv_override.tag(entry, LLAMA_KV_OVERRIDE_TYPE_FLOAT());
                llama_model_kv_override.val_f64(entry, v.value());
            }
            case MetadataOverride.BoolValue v -> {
                llama_model_kv_override.tag(entry, LLAMA_KV_OVERRIDE_TYPE_BOOL());
                llama_model_kv_override.val_bool(entry, v.value());
            }
            case MetadataOverride.StringValue v -> {
                llama_model_kv_override.tag(entry, LLAMA_KV_OVERRIDE_TYPE_STR());
                copyCString(v.value(), llama_model_kv_override.val_str(entry));
            }
        }
    }

    /** Copies text and a NUL into a fixed char[] field (lengths were checked by MetadataOverride). */
    private static void copyCString(String text, MemorySegment field) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, field, 0, bytes.length);
        field.set(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
    }

    private static void checkGgufFile(Path path, ModelOptions options) {
        if (!Files.exists(path)) {
            throw new ModelLoadException(path, "no such file");
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelLoadException(path, "not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw new ModelLoadException(path, "not readable");
        }
        try {
            GgufFile.checkHeader(path);
        } catch (GgufFormatException e) {
            throw new ModelLoadException(path, "not a GGUF file llama.cpp reads (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelLoadException(path, "cannot read it: " + e.getMessage(), e);
        }
        // llama.cpp trusts parts of the file it reads (some corruptions abort the process):
        // the Java reader checks every count, size and offset first, reading metadata only.
        // Then the values llama.cpp asserts on (ModelValidation lists them), overrides applied.
        try (GgufFile file = GgufFile.open(path)) {
            ModelValidation.check(file, options.metadataOverrides(), options.vocabOnly(),
                    options.useMmap().orElse(true));
        } catch (InvalidModelException e) {
            throw new ModelLoadException(path, e.getMessage(), e);
        } catch (GgufFormatException e) {
            throw new ModelLoadException(path, "corrupt GGUF: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException(path, "cannot read it: " + e.getMessage(), e);
        }
    }

    private static RuntimeException rethrowable(Throwable failure, Path path) {
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        return new ModelLoadException(path, "the progress listener failed: " + failure, failure);
    }

    /** Carries progress into Java; never lets an exception reach llama.cpp. */
    private static final class ProgressRelay {
        final LoadProgressListener listener;
        Throwable failure;
        boolean cancelled;
        float lastProgress;

        ProgressRelay(LoadProgressListener listener) {
            this.listener = listener;
        }

        boolean onProgress(float progress, MemorySegment userData) {
            lastProgress = progress;
            try {
                boolean go = listener.onProgress(progress);
                cancelled = !go;
                return go;
            } catch (Throwable t) {
                failure = t;
                return false;
            }
        }
    }

    /** The file this model was loaded from. */
    public Path path() {
        return path;
    }

    /** The vocabulary (tokenizer) of this model. */
    public Vocabulary vocabulary() {
        lifetime.checkOpen();
        return vocabulary;
    }

    /**
     * The vocabulary for a child that holds this model (a context, its generation): usable
     * after {@link #close()}, which defers the free until the last child lets go.
     */
    Vocabulary heldVocabulary() {
        return vocabulary;
    }

    /** Creates a context (the working memory for decoding) on this model. */
    public LlamaContext newContext(ContextOptions options) {
        return LlamaContext.create(this, options);
    }

    /** Every GGUF metadata key and its value as text, in file order (arrays excluded). */
    public Map<String, String> metadata() {
        return read(model -> {
            int count = llama_model_meta_count(model);
            Map<String, String> entries = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                final int index = i;
                String key = NativeText.readSized((buf, size) -> llama_model_meta_key_by_index(model, index, buf, size));
                String value = NativeText.readSized((buf, size) -> llama_model_meta_val_str_by_index(model, index, buf, size));
                if (key != null) {
                    entries.put(key, value == null ? "" : value);
                }
            }
            return Collections.unmodifiableMap(entries);
        });
    }

    /** One metadata value as text, e.g. {@code metadata("general.name")}. */
    public Optional<String> metadata(String key) {
        Objects.requireNonNull(key, "key");
        return read(model -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment cKey = call.allocateFrom(key);
                return Optional.ofNullable(NativeText.readSized((buf, size) -> llama_model_meta_val_str(model, cKey, buf, size)));
            }
        });
    }

    /** The model architecture ({@code general.architecture}), e.g. {@code llama}. */
    public String architecture() {
        return metadata("general.architecture").orElse("");
    }

    /** llama.cpp's one-line description, e.g. {@code llama 7B F16}. */
    public String description() {
        return read(model -> NativeText.readSized((buf, size) -> llama_model_desc(model, buf, size)));
    }

    /** The context length the model was trained with. */
    public int trainingContextLength() {
        return read(model -> llama_model_n_ctx_train(model));
    }

    public int embeddingLength() {
        return read(model -> llama_model_n_embd(model));
    }

    public int layerCount() {
        return read(model -> llama_model_n_layer(model));
    }

    public int headCount() {
        return read(model -> llama_model_n_head(model));
    }

    public int kvHeadCount() {
        return read(model -> llama_model_n_head_kv(model));
    }

    /** The RoPE base frequency from {@code <arch>.rope.freq_base}; empty if the file has none. */
    public OptionalDouble ropeFreqBase() {
        Optional<String> value = metadata(architecture() + ".rope.freq_base");
        if (value.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(value.get()));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** The RoPE frequency scale the model was trained with. */
    public float ropeFreqScaleTrain() {
        return read(model -> llama_model_rope_freq_scale_train(model));
    }

    public long parameterCount() {
        return read(model -> llama_model_n_params(model));
    }

    /** Total bytes of all tensors. */
    public long sizeBytes() {
        return read(model -> llama_model_size(model));
    }

    /** The default chat template stored in the model, if any. */
    public Optional<String> chatTemplate() {
        return read(model -> Optional.ofNullable(NativeText.cString(llama_model_chat_template(model, MemorySegment.NULL))));
    }

    /** Whether only the vocabulary was loaded ({@link ModelOptions#vocabOnly()}): no contexts. */
    public boolean isVocabOnly() {
        return vocabOnly;
    }

    public boolean isClosed() {
        return lifetime.isClosed();
    }

    /**
     * Closes the model: later calls throw {@link IllegalStateException}. The native model is
     * freed now, or when its last context or sampler closes.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "LlamaModel[" + path + (isClosed() ? ", closed]" : "]");
    }

    /** Runs a read on the native model, holding it so a concurrent close cannot free it. */
    <T> T read(Function<MemorySegment, T> reader) {
        lifetime.acquire();
        try {
            return reader.apply(handle);
        } finally {
            lifetime.release();
        }
    }

    /**
     * {@link #read} for a child that holds this model (a context): works after {@link #close()},
     * since the child keeps the native model alive.
     */
    <T> T readHeld(Function<MemorySegment, T> reader) {
        lifetime.retain();
        try {
            return reader.apply(handle);
        } finally {
            lifetime.release();
        }
    }

    /** The chat template, read for a child that holds this model (see {@link #readHeld}). */
    Optional<String> heldChatTemplate() {
        return readHeld(model -> Optional.ofNullable(NativeText.cString(llama_model_chat_template(model,
                MemorySegment.NULL))));
    }

    /** For children: the lifetime to hold while they live. */
    Lifetime lifetime() {
        return lifetime;
    }

    /** The native handle; valid while the caller holds the lifetime. */
    MemorySegment handle() {
        return handle;
    }
}
