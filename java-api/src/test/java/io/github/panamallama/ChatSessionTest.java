package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import io.github.panamallama.fixture.TinyLlamaGguf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatSessionTest {
    private static final ContextOptions OPTIONS = ContextOptions.builder().contextLength(256).batchSize(64).threads(1).build();
    private LlamaModel model;

    @BeforeAll
    void load() {
        model = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void mistralInstructFormat() {
        assertEquals(" [INST] hi [/INST]",
                ChatSession.applyTemplate("mistral-v1", List.of(ChatMessage.user("hi")), true));
        assertEquals(" [INST] be brief\n\nhi [/INST] hello</s> [INST] again [/INST]",
                ChatSession.applyTemplate("mistral-v1", List.of(ChatMessage.system("be brief"), ChatMessage.user("hi"),
                        ChatMessage.assistant("hello"), ChatMessage.user("again")), true));
    }

    @Test
    void chatmlFormatAndLongMessages() {
        assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
                ChatSession.applyTemplate("chatml", List.of(ChatMessage.user("hi")), true));
        String longText = "ü".repeat(10_000);
        String formatted = ChatSession.applyTemplate("chatml", List.of(ChatMessage.user(longText)), false);
        assertEquals("<|im_start|>user\n" + longText + "<|im_end|>\n", formatted);
    }

    @Test
    void unsupportedTemplateIsIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatSession.applyTemplate("no-such-template", List.of(ChatMessage.user("x")), true));
        assertTrue(e.getMessage().contains("no-such-template"), e.getMessage());
    }

    @Test
    void modelWithoutTemplateUsesMistralFallback() {
        try (LlamaContext context = model.newContext(OPTIONS)) {
            assertEquals(ChatSession.FALLBACK_TEMPLATE, ChatSession.create(context).template());
        }
    }

    @Test
    void modelTemplateIsUsed() {
        try (LlamaModel templated = LlamaModel.load(TinyLlamaGguf.withChatTemplate());
                LlamaContext context = templated.newContext(OPTIONS)) {
            assertEquals(TinyLlamaGguf.CHATML_TEMPLATE, templated.chatTemplate().orElseThrow());
            ChatSession chat = ChatSession.create(context);
            assertEquals(TinyLlamaGguf.CHATML_TEMPLATE, chat.template());
            assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
                    ChatSession.applyTemplate(chat.template(), List.of(ChatMessage.user("hi")), true));
            Completion reply = chat.send("hi", GenerationOptions.builder().maxTokens(3).build());
            assertEquals(reply.text(), chat.history().get(1).content());
        }
    }

    @Test
    void secondTurnReusesTheFirstTurnsMemory() {
        try (Sampler sampler = Sampler.builder(model).logitBias(Map.of(2, Float.NEGATIVE_INFINITY)).greedy().build();
                LlamaContext context = model.newContext(OPTIONS)) {
            GenerationOptions options = GenerationOptions.builder().maxTokens(6).sampler(sampler).build();
            ChatSession chat = ChatSession.create(context).system("be brief");
            Completion first = chat.send("Hello world", options);
            assertEquals(StopReason.MAX_TOKENS, first.stopReason());
            assertEquals(0, chat.lastReusedTokens());
            int firstPrompt = tokens(" [INST] be brief\n\nHello world [/INST]").length;

            Completion second = chat.send("once upon a time", options);
            assertTrue(chat.lastReusedTokens() >= firstPrompt,
                    "reused " + chat.lastReusedTokens() + " of a first prompt of " + firstPrompt);
            assertEquals(List.of(ChatRole.SYSTEM, ChatRole.USER, ChatRole.ASSISTANT, ChatRole.USER, ChatRole.ASSISTANT),
                    chat.history().stream().map(ChatMessage::role).toList());
            assertEquals(first.text(), chat.history().get(2).content());

            // The same second prompt decoded from scratch gives the same reply.
            String full = ChatSession.applyTemplate("mistral-v1", chat.history().subList(0, 4), true);
            sampler.reset();
            try (LlamaContext fresh = model.newContext(OPTIONS);
                    CompletionStream stream = new CompletionStream(fresh, tokens(full), 0, options)) {
                while (stream.hasNext()) {
                    stream.next();
                }
                assertArrayEquals(stream.completion().tokens(), second.tokens());
            }
        }
    }

    @Test
    void memoryChangedElsewhereIsNotReused() {
        try (LlamaContext context = model.newContext(OPTIONS)) {
            ChatSession chat = ChatSession.create(context);
            GenerationOptions options = GenerationOptions.builder().maxTokens(3).build();
            chat.send("Hello world", options);
            context.memory().clear();
            chat.send("once upon a time", options);
            assertEquals(0, chat.lastReusedTokens());
        }
    }

    @Test
    void systemPromptOnlyFirst() {
        try (LlamaContext context = model.newContext(OPTIONS)) {
            ChatSession chat = ChatSession.create(context, "chatml");
            chat.send("hi", GenerationOptions.builder().maxTokens(1).build());
            assertThrows(IllegalStateException.class, () -> chat.system("late"));
            chat.reset();
            assertEquals(List.of(), chat.history());
        }
    }

    private int[] tokens(String text) {
        return model.vocabulary().tokenize(text, true, true);
    }

    @Test
    void aNulInAMessageIsRefusedNotTruncated() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> ChatSession.applyTemplate(ChatSession.FALLBACK_TEMPLATE,
                        List.of(ChatMessage.user("before\0after")), true));
        assertTrue(error.getMessage().contains("message 0 (user) contains a NUL"),
                error.getMessage());
    }
}
