package io.github.panamallama.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.Sampler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The OpenAI request bodies this server accepts, parsed and validated into records. */
final class Requests {
    private static final int MAX_STOP_STRINGS = 4;
    private static final int MAX_EMBEDDING_INPUTS = 256;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** OpenAI's range for a logit bias. */
    private static final double MAX_LOGIT_BIAS = 100;

    private Requests() {}

    /** How to pick tokens; OpenAI's defaults where the request is silent. */
    record Sampling(double temperature, double topP, Optional<Long> seed, double presencePenalty, double frequencyPenalty,
                    Map<Integer, Float> logitBias) {}

    /**
     * The server's bounds on a generation.
     *
     * @param contextLength a longer {@code max_tokens} is refused
     * @param maxTokens a larger {@code max_tokens} is lowered to this; a chat request without one gets it
     */
    record Limits(int contextLength, int maxTokens) {}

    /** What bounds a generation and what it must look like. */
    record Generation(int maxTokens, Sampling sampling, List<String> stop, Optional<OutputFormat> format,
                      boolean stream, boolean includeUsage) {}

    /** A constraint on the output: any JSON object, or JSON matching a schema. */
    sealed interface OutputFormat {
        /** Text that switches the grammar on (a lazy grammar); empty = it applies from the first token. */
        default Optional<String> trigger() {
            return Optional.empty();
        }

        record JsonObject() implements OutputFormat {}

        record JsonSchema(String name, JsonNode schema) implements OutputFormat {}

        /**
         * Tool calls in {@link io.github.panamallama.grammar.ToolCallFormat}: a grammar built from the functions' schemas.
         *
         * @param trigger for {@code tool_choice: auto}, the marker that switches the grammar on
         *     (a lazy grammar); empty = the whole reply is calls
         */
        record ToolCalls(String gbnf, Optional<String> trigger) implements OutputFormat {}
    }

    record Completion(String model, String prompt, Generation generation) {}

    record Message(String role, String content) {}

    /** @param tools the functions the reply may call; empty = a plain chat */
    record Chat(String model, List<Message> messages, Generation generation, Optional<ToolUse> tools) {}

    record Embeddings(String model, List<String> inputs, boolean base64) {}

    static Completion completion(JsonNode body, Limits limits) {
        Fields fields = new Fields(body);
        String model = fields.requiredString("model");
        List<String> prompts = fields.stringOrStrings("prompt", 1);
        if (!fields.has("prompt")) {
            throw ApiException.invalid("prompt", "Missing required parameter: 'prompt'.");
        }
        if (prompts.size() != 1) {
            throw ApiException.invalid("prompt", "'prompt' must be one string (batches of prompts are not supported).");
        }
        fields.unsupported("suffix", "no fill-in-the-middle");
        noLogprobs(fields, "logprobs");
        fields.unsupported("best_of", "only one candidate is generated");
        if (fields.bool("echo", false)) {
            throw ApiException.invalid("echo", "'echo' is not supported by this server.");
        }
        // OpenAI's default for a completion is 16 tokens.
        return new Completion(model, prompts.getFirst(), generation(fields, "max_tokens", 16, limits, false));
    }

    static Chat chat(JsonNode body, Limits limits) {
        Fields fields = new Fields(body);
        String model = fields.requiredString("model");
        JsonNode messages = fields.node("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must be a non-empty array.");
        }
        Optional<ToolUse> tools = ToolUse.of(fields);
        List<Message> parsed = ToolMessages.render(messages, tools.flatMap(ToolUse::systemPrompt));
        fields.unsupported("functions", "the legacy 'functions' is replaced by 'tools'");
        noLogprobs(fields, "logprobs");
        fields.unsupported("top_logprobs", "log probabilities are not returned");
        String maxField = fields.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        // OpenAI sets no limit on a chat reply; a base model would then run until the context is
        // full, so a request without one gets the server's cap (finish_reason "length").
        Generation generation = generation(fields, maxField, limits.maxTokens(), limits, true);
        Optional<OutputFormat> toolFormat = tools.flatMap(ToolUse::format);
        if (toolFormat.isPresent()) {
            if (generation.format().isPresent()) {
                throw ApiException.invalid("response_format", "'response_format' cannot be combined with 'tools' (unless 'tool_choice' is 'none').");
            }
            generation = new Generation(generation.maxTokens(), generation.sampling(), generation.stop(), toolFormat,
                    generation.stream(), generation.includeUsage());
        }
        return new Chat(model, List.copyOf(parsed), generation, tools);
    }

    static Embeddings embeddings(JsonNode body) {
        Fields fields = new Fields(body);
        String model = fields.requiredString("model");
        if (!fields.has("input")) {
            throw ApiException.invalid("input", "Missing required parameter: 'input'.");
        }
        List<String> inputs = fields.stringOrStrings("input", MAX_EMBEDDING_INPUTS);
        if (inputs.isEmpty() || inputs.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("input", "'input' must be a non-empty string or a non-empty array of non-empty strings.");
        }
        String encoding = fields.optionalString("encoding_format").orElse("float");
        if (!encoding.equals("float") && !encoding.equals("base64")) {
            throw ApiException.invalid("encoding_format", "'encoding_format' must be 'float' or 'base64', got '" + encoding + "'.");
        }
        fields.unsupported("dimensions", "the model's embedding size is fixed");
        return new Embeddings(model, inputs, encoding.equals("base64"));
    }

    /** {@code logprobs: false} (or null) asks for nothing and is accepted; anything else is refused. */
    private static void noLogprobs(Fields fields, String name) {
        JsonNode value = fields.node(name);
        if (value != null && !(value.isBoolean() && !value.booleanValue())) {
            throw ApiException.invalid(name, "'" + name + "' is not supported by this server: log probabilities are not returned.");
        }
    }

    /** A system, developer, user or assistant message without tool calls. */
    static Message message(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(where, where + " must be an object with 'role' and 'content'.");
        }
        Fields fields = new Fields(node);
        String role = fields.optionalString("role").orElseThrow(() -> ApiException.invalid(where + ".role", where + " has no 'role'."));
        if (!ROLES.contains(role)) {
            throw ApiException.invalid(where + ".role", "Unsupported role '" + role + "'; use system, developer, user, assistant or tool.");
        }
        // OpenAI's newer name for system instructions; chat templates know only "system".
        String templateRole = role.equals("developer") ? "system" : role;
        return new Message(templateRole, text(fields.node("content"), where));
    }

    /** A message's text: a string, or an array of text parts. */
    static String text(JsonNode content, String where) {
        if (content == null) {
            throw ApiException.invalid(where + ".content", where + " has no 'content'.");
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (content.isArray()) {
            // Content parts: only text parts can reach a text-only model.
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.invalid(where + ".content", "Only text content parts are supported.");
                }
                text.append(part.get("text").textValue());
            }
            return text.toString();
        }
        throw ApiException.invalid(where + ".content", where + ".content must be a string or an array of text parts.");
    }

    private static Generation generation(Fields fields, String maxTokensField, int defaultMax, Limits limits, boolean chat) {
        if (fields.integer("n", 1, 1, Integer.MAX_VALUE) != 1) {
            throw ApiException.invalid("n", "'n' must be 1: one choice per request.");
        }
        int contextLength = limits.contextLength();
        int asked = fields.integer(maxTokensField, Math.min(defaultMax, contextLength), 1, contextLength);
        int maxTokens = Math.min(asked, limits.maxTokens());
        Sampling sampling = new Sampling(
                fields.number("temperature", 1.0, 0.0, 2.0),
                topP(fields),
                seed(fields),
                fields.number("presence_penalty", 0.0, -2.0, 2.0),
                fields.number("frequency_penalty", 0.0, -2.0, 2.0),
                logitBias(fields));
        List<String> stop = fields.stringOrStrings("stop", MAX_STOP_STRINGS);
        try {
            GenerationOptions.builder().stopStrings(stop).build(); // the library's check, answered as a 400
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("stop", "'stop': " + e.getMessage() + ".");
        }
        boolean stream = fields.bool("stream", false);
        boolean includeUsage = false;
        JsonNode streamOptions = fields.node("stream_options");
        if (streamOptions != null) {
            includeUsage = new Fields(streamOptions).bool("include_usage", false);
        }
        Optional<OutputFormat> format = chat ? outputFormat(fields.node("response_format")) : Optional.empty();
        return new Generation(maxTokens, sampling, stop, format, stream, includeUsage);
    }

    /** Nucleus sampling keeps at least the tokens up to this probability: 0 would keep none. */
    private static double topP(Fields fields) {
        double topP = fields.number("top_p", 1.0, 0.0, 1.0);
        if (topP == 0) {
            throw ApiException.invalid("top_p", "'top_p' must be more than 0 and at most 1 (1 keeps every token), got 0.");
        }
        return topP;
    }

    /** llama.cpp's seeds are 32-bit; the largest asks for a random one, as no seed does. */
    private static Optional<Long> seed(Fields fields) {
        Optional<Long> seed = fields.optionalLong("seed");
        if (seed.isPresent() && (seed.get() < 0 || seed.get() > Sampler.RANDOM_SEED)) {
            throw ApiException.invalid("seed", "'seed' must be 0.." + Sampler.RANDOM_SEED + ", got " + seed.get() + ".");
        }
        return seed;
    }

    /** OpenAI's {@code logit_bias}: token ids (as JSON keys) to a bias in -100..100, added to the logits. */
    private static Map<Integer, Float> logitBias(Fields fields) {
        JsonNode node = fields.node("logit_bias");
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiException.invalid("logit_bias", "'logit_bias' must be an object of token ids to numbers.");
        }
        Map<Integer, Float> biases = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            int token;
            try {
                token = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                throw ApiException.invalid("logit_bias", "'logit_bias' keys must be token ids, got '" + entry.getKey() + "'.");
            }
            JsonNode bias = entry.getValue();
            if (token < 0 || !bias.isNumber() || !(Math.abs(bias.doubleValue()) <= MAX_LOGIT_BIAS)) {
                throw ApiException.invalid("logit_bias", "'logit_bias' maps token ids (>= 0) to numbers in -100..100, got "
                        + entry.getKey() + ": " + bias + ".");
            }
            biases.put(token, bias.floatValue());
        }
        return Map.copyOf(biases);
    }

    private static Optional<OutputFormat> outputFormat(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        Fields fields = new Fields(node);
        String type = fields.optionalString("type")
                .orElseThrow(() -> ApiException.invalid("response_format.type", "'response_format' needs a 'type'."));
        return switch (type) {
            case "text" -> Optional.empty();
            case "json_object" -> Optional.of(new OutputFormat.JsonObject());
            case "json_schema" -> {
                JsonNode spec = fields.node("json_schema");
                if (spec == null || !spec.isObject() || spec.get("schema") == null || !spec.get("schema").isObject()) {
                    throw ApiException.invalid("response_format.json_schema.schema",
                            "'response_format.json_schema.schema' must be a JSON Schema object.");
                }
                yield Optional.of(new OutputFormat.JsonSchema(spec.path("name").asText("response"), spec.get("schema")));
            }
            default -> throw ApiException.invalid("response_format.type",
                    "Unsupported response_format type '" + type + "'; use text, json_object or json_schema.");
        };
    }
}
