package io.github.panamallama.springai.autoconfigure;

import io.github.panamallama.PoolingType;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code spring.ai.panama-llama.*}: the GGUF model to load, how to run it, the chat defaults
 * and the embedding model. Nothing is created unless {@code model-path} (or
 * {@code embedding.model-path}) is set.
 */
@ConfigurationProperties(PanamaLlamaProperties.PREFIX)
public class PanamaLlamaProperties {
    public static final String PREFIX = "spring.ai.panama-llama";

    /** The GGUF model file for chat (and for embeddings unless embedding.model-path is set). */
    private Path modelPath;
    /** Tokens per chat context (prompt and reply); default the model's training length, at most 4096. */
    private Integer contextLength;
    /** Threads per generation; default panama-llama's. */
    private Integer threads;
    /** Model layers to offload to the GPU (needs a GPU build of llama.cpp); default 0. */
    private Integer gpuLayers;
    /** How many chat replies may be generated at once, each on a context of its own. */
    private int poolSize = 1;
    /** A chat template (llama.cpp built-in name or Jinja text); default the model's own. */
    private String chatTemplate;
    private final Chat chat = new Chat();
    private final Embedding embedding = new Embedding();

    public Path getModelPath() {
        return modelPath;
    }

    public void setModelPath(Path modelPath) {
        this.modelPath = modelPath;
    }

    public Integer getContextLength() {
        return contextLength;
    }

    public void setContextLength(Integer contextLength) {
        this.contextLength = contextLength;
    }

    public Integer getThreads() {
        return threads;
    }

    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    public Integer getGpuLayers() {
        return gpuLayers;
    }

    public void setGpuLayers(Integer gpuLayers) {
        this.gpuLayers = gpuLayers;
    }

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public String getChatTemplate() {
        return chatTemplate;
    }

    public void setChatTemplate(String chatTemplate) {
        this.chatTemplate = chatTemplate;
    }

    public Chat getChat() {
        return chat;
    }

    public Embedding getEmbedding() {
        return embedding;
    }

    /** {@code spring.ai.panama-llama.chat.*}: the options every request starts from. */
    public static class Chat {
        /**
         * Whether ChatClient's entity(...) sends its JSON schema to the model (enforced by a
         * grammar) instead of format instructions in the prompt.
         */
        private boolean nativeStructuredOutput = true;
        /** Sampling temperature; 0 = always the most likely token. Default 0.8. */
        private Double temperature;
        /** Nucleus sampling: keep the likeliest tokens up to this probability. Default 0.95. */
        private Double topP;
        /** Keep the k likeliest tokens (0 = off). Default 40. */
        private Integer topK;
        /** Drop tokens less likely than this share of the likeliest one. Default 0.05. */
        private Double minP;
        /** Most tokens in a reply. Default 256. */
        private Integer maxTokens;
        /** Texts that end the reply (not included in it). */
        private List<String> stopSequences;
        /** Subtracted per earlier occurrence of a token. Default 0 (off). */
        private Double frequencyPenalty;
        /** Subtracted from tokens seen at all. Default 0 (off). */
        private Double presencePenalty;
        /** llama.cpp's repetition penalty. Default 1 (off). */
        private Double repeatPenalty;
        /** The sampler's seed, for reproducible replies; default a fresh random seed per request. */
        private Long seed;

        public boolean isNativeStructuredOutput() {
            return nativeStructuredOutput;
        }

        public void setNativeStructuredOutput(boolean nativeStructuredOutput) {
            this.nativeStructuredOutput = nativeStructuredOutput;
        }

        public Double getTemperature() {
            return temperature;
        }

        public void setTemperature(Double temperature) {
            this.temperature = temperature;
        }

        public Double getTopP() {
            return topP;
        }

        public void setTopP(Double topP) {
            this.topP = topP;
        }

        public Integer getTopK() {
            return topK;
        }

        public void setTopK(Integer topK) {
            this.topK = topK;
        }

        public Double getMinP() {
            return minP;
        }

        public void setMinP(Double minP) {
            this.minP = minP;
        }

        public Integer getMaxTokens() {
            return maxTokens;
        }

        public void setMaxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
        }

        public List<String> getStopSequences() {
            return stopSequences;
        }

        public void setStopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences;
        }

        public Double getFrequencyPenalty() {
            return frequencyPenalty;
        }

        public void setFrequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
        }

        public Double getPresencePenalty() {
            return presencePenalty;
        }

        public void setPresencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
        }

        public Double getRepeatPenalty() {
            return repeatPenalty;
        }

        public void setRepeatPenalty(Double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
        }

        public Long getSeed() {
            return seed;
        }

        public void setSeed(Long seed) {
            this.seed = seed;
        }
    }

    /** {@code spring.ai.panama-llama.embedding.*}: the embedding model. */
    public static class Embedding {
        /** A separate GGUF model for embeddings; default the chat model (model-path), shared. */
        private Path modelPath;
        /** How many requests may embed at once, each on a context of its own. */
        private int poolSize = 1;
        /** Most tokens in one text; sets the embedding context's size. */
        private int maxSegmentTokens = 512;
        /** How token vectors become one vector (MEAN, CLS, LAST or MODEL_DEFAULT). */
        private PoolingType pooling = PoolingType.MEAN;

        public Path getModelPath() {
            return modelPath;
        }

        public void setModelPath(Path modelPath) {
            this.modelPath = modelPath;
        }

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        public int getMaxSegmentTokens() {
            return maxSegmentTokens;
        }

        public void setMaxSegmentTokens(int maxSegmentTokens) {
            this.maxSegmentTokens = maxSegmentTokens;
        }

        public PoolingType getPooling() {
            return pooling;
        }

        public void setPooling(PoolingType pooling) {
            this.pooling = pooling;
        }
    }
}
