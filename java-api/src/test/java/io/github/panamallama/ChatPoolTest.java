package io.github.panamallama;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatPoolTest {
    private static final SamplingSettings GREEDY = SamplingSettings.builder().temperature(0).build();
    private LlamaModel llama;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(TestModels.tinyLlama());
    }

    @AfterAll
    void close() {
        llama.close();
    }

    private static GenerationOptions twelveTokens(Sampler sampler) {
        return GenerationOptions.builder().maxTokens(12).sampler(sampler).build();
    }

    @Test
    void defaultsGiveWhatAContextOfItsOwnGives() {
        try (ChatPool pool = ChatPool.builder().build(llama)) {
            assertEquals(llama.chatTemplate().orElse(ChatSession.FALLBACK_TEMPLATE), pool.template());
            String prompt = ChatSession.applyTemplate(pool.template(), List.of(ChatMessage.user("Hello world")), true);
            StringBuilder streamed = new StringBuilder();
            Completion completion = pool.complete(prompt, GREEDY, ChatPoolTest::twelveTokens, streamed::append, () -> false)
                    .orElseThrow();
            Completion alone;
            try (LlamaContext context = llama.newContext(ContextOptions.builder()
                    .contextLength(Math.min(4096, llama.trainingContextLength())).build());
                    Sampler sampler = GREEDY.newSampler(llama)) {
                alone = context.complete(prompt, twelveTokens(sampler));
            }
            assertArrayEquals(alone.tokens(), completion.tokens());
            assertEquals(completion.text(), streamed.toString(), "the pieces make up the text");
        }
    }

    @Test
    void cancellingStopsAfterThatPieceAndGivesNothing() {
        try (ChatPool pool = ChatPool.builder().contextLength(256).threads(1).build(llama)) {
            List<String> pieces = new ArrayList<>();
            Optional<Completion> cancelled = pool.complete("Hello", GREEDY, ChatPoolTest::twelveTokens, pieces::add,
                    () -> pieces.size() == 2);
            assertTrue(cancelled.isEmpty());
            assertEquals(2, pieces.size());
            assertTrue(pool.complete("Hello", GREEDY, ChatPoolTest::twelveTokens, piece -> {}, () -> false).isPresent(),
                    "the context is reusable");
        }
    }

    @Test
    void templateOptionsReadControlTokensInThePromptText() {
        GenerationOptions options = ChatPool.templateOptions(7, List.of("\n\n"), null);
        assertEquals(7, options.maxTokens());
        assertEquals(List.of("\n\n"), options.stopStrings());
        assertTrue(options.addSpecial() && options.parseSpecial());
        assertThrows(IllegalArgumentException.class, () -> ChatPool.templateOptions(0, List.of(), null));
    }

    @Test
    void anUnknownTemplateOrBadSettingFailsBeforeAnyRequest() {
        IllegalArgumentException template = assertThrows(IllegalArgumentException.class,
                () -> ChatPool.builder().chatTemplate("no-such-template").build(llama));
        assertTrue(template.getMessage().contains("no-such-template"), template.getMessage());
        assertEquals("contexts must be >= 1: 0",
                assertThrows(IllegalArgumentException.class, () -> ChatPool.builder().contexts(0)).getMessage());
    }

    @Test
    void aClosedPoolSaysSo() {
        ChatPool pool = ChatPool.builder().name("test chat").contextLength(256).threads(1).build(llama);
        pool.close();
        pool.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pool.complete("Hello", GREEDY, ChatPoolTest::twelveTokens, piece -> {}, () -> false));
        assertEquals("test chat is closed", e.getMessage());
        assertFalse(llama.isClosed(), "the model is the caller's");
    }
}
