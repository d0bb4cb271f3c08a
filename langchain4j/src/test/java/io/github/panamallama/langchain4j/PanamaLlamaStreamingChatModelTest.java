package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.fixture.BuiltFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link PanamaLlamaStreamingChatModel} through LangChain4j's {@link StreamingChatModel} interface. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PanamaLlamaStreamingChatModelTest {
    private static final int CONTEXT = 256;
    private LlamaModel llama;
    private PanamaLlamaStreamingChatModel owned;
    private StreamingChatModel model;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        owned = PanamaLlamaStreamingChatModel.builder().model(llama).contextLength(CONTEXT).threads(1).temperature(0.0).build();
        model = owned;
    }

    @AfterAll
    void close() {
        owned.close();
        llama.close();
    }

    /** Records every callback in order. */
    private static class Recorder implements StreamingChatResponseHandler {
        final List<String> partials = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        ChatResponse response;
        Throwable error;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partial) {
            partials.add(partial);
            events.add("partial");
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            response = completeResponse;
            events.add("complete");
            done.complete(null);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            events.add("error");
            done.complete(null);
        }
    }

    private static ChatRequest ask(String text, int maxTokens) {
        return ChatRequest.builder().messages(UserMessage.from(text)).maxOutputTokens(maxTokens).build();
    }

    @Test
    void partialsConcatenateToTheFinalTextWhichEqualsTheBlockingModel() {
        Recorder recorder = new Recorder();
        model.chat(ask("Hello there", 20), recorder);
        assertNull(recorder.error);
        assertTrue(recorder.partials.size() > 1, recorder.partials.toString());
        assertTrue(recorder.partials.stream().noneMatch(String::isEmpty));
        assertEquals(String.join("", recorder.partials), recorder.response.aiMessage().text());
        assertEquals("complete", recorder.events.getLast());
        assertEquals(1, recorder.events.stream().filter(e -> !e.equals("partial")).count());
        assertEquals(20, recorder.response.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, recorder.response.finishReason());

        try (PanamaLlamaChatModel blocking = PanamaLlamaChatModel.builder().model(llama).contextLength(CONTEXT).threads(1)
                .temperature(0.0).build()) {
            ChatModel chat = blocking;
            ChatResponse expected = chat.chat(ask("Hello there", 20));
            assertEquals(expected.aiMessage().text(), recorder.response.aiMessage().text());
            assertEquals(expected.tokenUsage(), recorder.response.tokenUsage());
        }
    }

    @Test
    void stopSequenceNeverShowsInAPartial() {
        Recorder full = new Recorder();
        model.chat(ask("Hello there", 16), full);
        String text = full.response.aiMessage().text();
        String stop = text.substring(8, 11);
        Recorder stopped = new Recorder();
        model.chat(ChatRequest.builder().messages(UserMessage.from("Hello there")).maxOutputTokens(16)
                .stopSequences(List.of(stop)).build(), stopped);
        assertEquals(text.substring(0, text.indexOf(stop)), String.join("", stopped.partials));
        assertEquals(FinishReason.STOP, stopped.response.finishReason());
    }

    @Test
    void errorsGoToOnErrorNeverThrown() {
        Recorder recorder = new Recorder();
        UserMessage withImage = UserMessage.from(TextContent.from("What?"), ImageContent.from("aGVsbG8=", "image/png"));
        assertDoesNotThrow(() -> model.chat(ChatRequest.builder().messages(withImage).build(), recorder));
        assertEquals(List.of("error"), recorder.events);
        assertInstanceOf(IllegalArgumentException.class, recorder.error);
        assertTrue(recorder.error.getMessage().contains("IMAGE"), recorder.error.getMessage());
    }

    @Test
    void handlerFailureStopsTheGenerationAndIsReported() {
        RuntimeException boom = new RuntimeException("boom");
        Recorder recorder = new Recorder() {
            @Override
            public void onPartialResponse(String partial) {
                super.onPartialResponse(partial);
                if (partials.size() == 2) {
                    throw boom;
                }
            }
        };
        model.chat(ask("Hello there", 20), recorder);
        assertEquals(List.of("partial", "partial", "error"), recorder.events);
        assertSame(boom, recorder.error);
        Recorder after = new Recorder(); // the context went back to the pool in a usable state
        model.chat(ask("Hello there", 3), after);
        assertEquals(3, after.response.tokenUsage().outputTokenCount());
    }

    @Test
    void cancellingThroughTheStreamingHandleEndsWithoutFurtherCallbacks() {
        Recorder recorder = new Recorder() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                partials.add(partial.text());
                if (partials.size() == 3) {
                    context.streamingHandle().cancel();
                    assertTrue(context.streamingHandle().isCancelled());
                }
            }
        };
        model.chat(ask("Hello there", 30), recorder);
        assertEquals(3, recorder.partials.size());
        assertTrue(recorder.events.isEmpty(), recorder.events.toString()); // neither complete nor error
    }

    @Test
    void closingDuringAGenerationEndsItWithAnError() {
        PanamaLlamaStreamingChatModel temporary = PanamaLlamaStreamingChatModel.builder().modelPath(BuiltFixtures.tinyMistralF16())
                .contextLength(CONTEXT).threads(1).temperature(0.0).build();
        Recorder recorder = new Recorder() {
            @Override
            public void onPartialResponse(String partial) {
                super.onPartialResponse(partial);
                if (partials.size() == 2) {
                    temporary.close();
                }
            }
        };
        temporary.chat(ask("Hello there", 50), recorder);
        assertInstanceOf(IllegalStateException.class, recorder.error);
        assertTrue(recorder.error.getMessage().contains("closed"), recorder.error.getMessage());
        assertTrue(recorder.partials.size() <= 3, recorder.partials.toString()); // stopped within a token

        Recorder afterClose = new Recorder();
        temporary.chat(ask("Hello there", 5), afterClose);
        assertEquals(List.of("error"), afterClose.events);
        assertTrue(afterClose.error.getMessage().contains("is closed"), afterClose.error.getMessage());
    }

    @Test
    void anExecutorRunsTheGenerationElsewhere() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (PanamaLlamaStreamingChatModel async = PanamaLlamaStreamingChatModel.builder().model(llama).contextLength(CONTEXT)
                .threads(1).temperature(0.0).executor(executor).build()) {
            Thread caller = Thread.currentThread();
            List<Thread> threads = new ArrayList<>();
            Recorder recorder = new Recorder() {
                @Override
                public void onCompleteResponse(ChatResponse response) {
                    threads.add(Thread.currentThread());
                    super.onCompleteResponse(response);
                }
            };
            async.chat(ask("Hello there", 4), recorder);
            recorder.done.get(60, TimeUnit.SECONDS);
            assertEquals(4, recorder.response.tokenUsage().outputTokenCount());
            assertNotSame(caller, threads.getFirst());
        } finally {
            executor.shutdownNow();
        }
    }
}
