package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.github.panamallama.GenerationOptions;
import io.github.panamallama.fixture.BuiltFixtures;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each model the way the README shows it to a newcomer: built with nothing but
 * {@code modelPath(...)}, called through LangChain4j's interfaces with no seed, temperature or
 * token limit, and asked for real output.
 */
class NewcomerDefaultsTest {
    private static final Set<FinishReason> ENDED = Set.of(FinishReason.STOP, FinishReason.LENGTH);

    @Test
    void chatModelAnswersWithDefaults() {
        try (PanamaLlamaChatModel owned = PanamaLlamaChatModel.builder().modelPath(BuiltFixtures.tinyMistralF16()).build()) {
            ChatModel model = owned;
            String answer = model.chat("Hello");
            assertFalse(answer.isEmpty(), "chat(\"Hello\") answered");

            ChatResponse response = model.chat(UserMessage.from("Hello"));
            assertFalse(response.aiMessage().text().isEmpty());
            assertTrue(ENDED.contains(response.finishReason()), "finish reason " + response.finishReason());
            assertUsage(response.tokenUsage(), response.finishReason());
        }
    }

    @Test
    void streamingChatModelAnswersWithDefaults() throws Exception {
        try (PanamaLlamaStreamingChatModel owned = PanamaLlamaStreamingChatModel.builder().modelPath(BuiltFixtures.tinyMistralF16()).build()) {
            StreamingChatModel model = owned;
            StringBuilder pieces = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            model.chat("Hello", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {
                    pieces.append(partialResponse);
                }

                @Override
                public void onCompleteResponse(ChatResponse completeResponse) {
                    done.complete(completeResponse);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            ChatResponse response = done.get(5, TimeUnit.MINUTES);
            assertFalse(pieces.isEmpty(), "pieces were streamed");
            assertEquals(pieces.toString(), response.aiMessage().text());
            assertTrue(ENDED.contains(response.finishReason()), "finish reason " + response.finishReason());
            assertUsage(response.tokenUsage(), response.finishReason());
        }
    }

    @Test
    void embeddingModelEmbedsWithDefaults() {
        try (PanamaLlamaEmbeddingModel owned = PanamaLlamaEmbeddingModel.builder().modelPath(BuiltFixtures.tinyMistralF16()).build()) {
            EmbeddingModel model = owned;
            Embedding embedding = model.embed("Hello").content();
            assertEquals(256, model.dimension(), "the tiny Mistral's embedding length");
            assertEquals(256, embedding.dimension());
            double squares = 0;
            for (float x : embedding.vector()) {
                assertTrue(Float.isFinite(x));
                squares += (double) x * x;
            }
            assertEquals(1.0, Math.sqrt(squares), 1e-5, "unit length");
        }
    }

    /** Prompt tokens counted; a reply cut at the default limit is exactly that long. */
    private static void assertUsage(TokenUsage usage, FinishReason reason) {
        assertTrue(usage.inputTokenCount() > 1, "input tokens " + usage.inputTokenCount());
        assertTrue(usage.outputTokenCount() >= 1, "output tokens " + usage.outputTokenCount());
        assertTrue(usage.outputTokenCount() <= GenerationOptions.DEFAULT_MAX_TOKENS,
                "output tokens " + usage.outputTokenCount() + " within the default limit");
        if (reason == FinishReason.LENGTH) {
            assertEquals(GenerationOptions.DEFAULT_MAX_TOKENS, usage.outputTokenCount());
        }
        assertEquals(usage.inputTokenCount() + usage.outputTokenCount(), usage.totalTokenCount());
    }
}
