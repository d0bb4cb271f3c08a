package io.github.panamallama;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How to load a model. Immutable; start from {@link #builder()} or {@link #defaults()}.
 *
 * @param useMmap map the file instead of reading it; empty lets llama.cpp decide
 * @param useMlock keep the weights in RAM (no swapping)
 * @param gpuLayers how many layers to offload to a GPU; negative means all (the default)
 * @param splitMode how to spread the model across several GPUs
 * @param mainGpu the GPU used for the whole model when {@code splitMode} is NONE
 * @param vocabOnly load only the vocabulary (tokenizer), no weights: no context can be created
 * @param checkTensors validate the tensor data while loading
 * @param weightRepacking let the CPU backend repack weights for its fastest matrix kernels; see
 *     {@link Builder#weightRepacking(boolean)}
 * @param metadataOverrides GGUF metadata values to replace
 * @param progressListener told about load progress, may cancel; empty for none
 * @param rpcServers remote machines running {@code ggml-rpc-server} whose devices take part of the
 *     model (needs a llama.cpp built with {@code GGML_RPC=ON}); they come first in the device
 *     list, before local GPUs, as in llama.cpp itself. Empty for none
 * @param tensorSplit the share of the offloaded layers each device takes, in device order
 *     (RPC servers, then local GPUs); empty splits by free memory, as llama.cpp does
 */
public record ModelOptions(
        Optional<Boolean> useMmap,
        boolean useMlock,
        int gpuLayers,
        SplitMode splitMode,
        int mainGpu,
        boolean vocabOnly,
        boolean checkTensors,
        boolean weightRepacking,
        List<MetadataOverride> metadataOverrides,
        Optional<LoadProgressListener> progressListener,
        List<RpcServer> rpcServers,
        List<Float> tensorSplit) {

    public ModelOptions {
        if (mainGpu < 0) {
            throw new IllegalArgumentException("mainGpu must be >= 0: " + mainGpu);
        }
        if (splitMode == null) {
            throw new IllegalArgumentException("splitMode is null");
        }
        metadataOverrides = List.copyOf(metadataOverrides);
        rpcServers = List.copyOf(rpcServers);
        tensorSplit = List.copyOf(tensorSplit);
        for (float share : tensorSplit) {
            if (!(share >= 0 && Float.isFinite(share))) {
                throw new IllegalArgumentException("tensorSplit shares must be finite and >= 0: " + tensorSplit);
            }
        }
        if (!tensorSplit.isEmpty() && tensorSplit.stream().allMatch(share -> share == 0)) {
            throw new IllegalArgumentException("tensorSplit needs at least one share above 0: " + tensorSplit);
        }
        for (int i = 0; i < metadataOverrides.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (metadataOverrides.get(i).key().equals(metadataOverrides.get(j).key())) {
                    throw new IllegalArgumentException("metadata key overridden twice: "
                            + metadataOverrides.get(i).key());
                }
            }
        }
    }

    public static ModelOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Optional<Boolean> useMmap = Optional.empty();
        private boolean useMlock;
        private int gpuLayers = -1;
        private SplitMode splitMode = SplitMode.LAYER;
        private int mainGpu;
        private boolean vocabOnly;
        private boolean checkTensors;
        private boolean weightRepacking = true;
        private final List<MetadataOverride> overrides = new ArrayList<>();
        private LoadProgressListener progressListener;
        private List<RpcServer> rpcServers = List.of();
        private List<Float> tensorSplit = List.of();

        private Builder() {}

        public Builder useMmap(boolean useMmap) {
            this.useMmap = Optional.of(useMmap);
            return this;
        }

        public Builder useMlock(boolean useMlock) {
            this.useMlock = useMlock;
            return this;
        }

        /** Layers to offload to the GPU; negative for all, 0 for none (CPU only). */
        public Builder gpuLayers(int gpuLayers) {
            this.gpuLayers = gpuLayers;
            return this;
        }

        public Builder splitMode(SplitMode splitMode) {
            this.splitMode = splitMode;
            return this;
        }

        public Builder mainGpu(int mainGpu) {
            this.mainGpu = mainGpu;
            return this;
        }

        public Builder vocabOnly(boolean vocabOnly) {
            this.vocabOnly = vocabOnly;
            return this;
        }

        public Builder checkTensors(boolean checkTensors) {
            this.checkTensors = checkTensors;
            return this;
        }

        /**
         * Whether the CPU backend may keep repacked copies of the weights (llama.cpp's
         * {@code use_extra_bufts}; on by default, as in llama.cpp). Repacking interleaves
         * quantized weights (Q4_0, Q8_0, IQ4_NL, on CPUs whose kernels want it) into the layout
         * the AVX2/AVX-512/NEON matrix kernels read fastest, which speeds up prompt processing
         * and generation. The price is memory: the repacked tensors are copied into a buffer of
         * their own, and with a memory-mapped model the file's pages they were read from stay
         * resident too, so resident memory grows by about the size of those weights. Turn it
         * off when memory is tighter than time.
         */
        public Builder weightRepacking(boolean weightRepacking) {
            this.weightRepacking = weightRepacking;
            return this;
        }

        public Builder override(String key, long value) {
            overrides.add(new MetadataOverride.IntValue(key, value));
            return this;
        }

        public Builder override(String key, double value) {
            overrides.add(new MetadataOverride.FloatValue(key, value));
            return this;
        }

        public Builder override(String key, boolean value) {
            overrides.add(new MetadataOverride.BoolValue(key, value));
            return this;
        }

        public Builder override(String key, String value) {
            overrides.add(new MetadataOverride.StringValue(key, value));
            return this;
        }

        public Builder progressListener(LoadProgressListener listener) {
            this.progressListener = listener;
            return this;
        }

        /**
         * Remote {@code ggml-rpc-server} endpoints, each {@code host:port}; layers offloaded with
         * {@link #gpuLayers(int)} are spread over their devices (and local GPUs).
         *
         * @throws IllegalArgumentException naming the first endpoint that is not {@code host:port}
         */
        public Builder rpcServers(String... endpoints) {
            this.rpcServers = Arrays.stream(endpoints).map(RpcServer::parse).toList();
            return this;
        }

        /** Remote {@code ggml-rpc-server} endpoints; see {@link #rpcServers(String...)}. */
        public Builder rpcServers(List<RpcServer> servers) {
            this.rpcServers = List.copyOf(servers);
            return this;
        }

        /** Shares of the offloaded layers per device, in device order (RPC servers first). */
        public Builder tensorSplit(float... shares) {
            List<Float> list = new ArrayList<>(shares.length);
            for (float share : shares) {
                list.add(share);
            }
            this.tensorSplit = list;
            return this;
        }

        public ModelOptions build() {
            return new ModelOptions(useMmap, useMlock, gpuLayers, splitMode, mainGpu, vocabOnly,
                    checkTensors, weightRepacking, overrides, Optional.ofNullable(progressListener), rpcServers,
                    tensorSplit);
        }
    }
}
