package io.github.panamallama.examples.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The OpenAI response bodies, as records Jackson writes with OpenAI's field names. */
final class Responses {
    private Responses() {}

    record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                 @JsonProperty("completion_tokens") int completionTokens,
                 @JsonProperty("total_tokens") int totalTokens,
                 @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails) {
        static Usage of(int prompt, int completion) {
            return new Usage(prompt, completion, prompt + completion, new PromptTokensDetails(0));
        }

        static Usage of(Engine.Result result) {
            return new Usage(result.promptTokens(), result.completionTokens(), result.promptTokens() + result.completionTokens(),
                    new PromptTokensDetails(result.cachedTokens()));
        }
    }

    /** @param cachedTokens prompt tokens the prompt cache supplied */
    record PromptTokensDetails(@JsonProperty("cached_tokens") int cachedTokens) {}

    record TextChoice(int index, String text, @JsonProperty("finish_reason") String finishReason, Object logprobs) {}

    record Completion(String id, String object, long created, String model, List<TextChoice> choices,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

    /** @param toolCalls the calls the reply made; absent when none */
    record Message(String role, String content,
                   @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
        Message(String role, String content) {
            this(role, content, null);
        }
    }

    /** @param type always {@code function} */
    record ToolCall(String id, String type, Function function) {}

    /** @param arguments the arguments' JSON, as text */
    record Function(String name, String arguments) {}

    record ChatChoice(int index, Message message, @JsonProperty("finish_reason") String finishReason, Object logprobs) {}

    record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices, Usage usage) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content, @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls) {
        Delta(String role, String content) {
            this(role, content, null);
        }
    }

    /** A streamed call: the first delta of call {@code index} has its id, type and name; the rest add to its arguments. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolCallDelta(int index, String id, String type, FunctionDelta function) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FunctionDelta(String name, String arguments) {}

    record ChunkChoice(int index, Delta delta, @JsonProperty("finish_reason") String finishReason, Object logprobs) {}

    record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

    record Embedding(String object, int index, Object embedding) {}

    record EmbeddingUsage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("total_tokens") int totalTokens) {}

    record EmbeddingList(String object, List<Embedding> data, String model, EmbeddingUsage usage) {}

    record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {}

    record ModelList(String object, List<Model> data) {}

    /** {@code GET /health}: {@code ok} or {@code shutting_down}, and how busy the slots are. */
    record Health(String status, @JsonProperty("slots_total") int slotsTotal, @JsonProperty("slots_busy") int slotsBusy,
                  @JsonProperty("queue_depth") int queueDepth) {}
}
