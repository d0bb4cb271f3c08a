package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The defaults a builder turns into LangChain4j parameters (no model needed). */
class ChatModelBuilderTest {
    @Test
    void singleSettersBecomeDefaultParameters() {
        ChatRequestParameters p = PanamaLlamaChatModel.builder().temperature(0.3).topP(0.8).topK(10).frequencyPenalty(0.1)
                .presencePenalty(0.2).maxTokens(64).stopSequences("###").responseFormat(ResponseFormat.JSON)
                .defaultParameters("m");
        assertEquals("m", p.modelName());
        assertEquals(0.3, p.temperature());
        assertEquals(0.8, p.topP());
        assertEquals(10, p.topK());
        assertEquals(0.1, p.frequencyPenalty());
        assertEquals(0.2, p.presencePenalty());
        assertEquals(64, p.maxOutputTokens());
        assertEquals(List.of("###"), p.stopSequences());
        assertEquals(ResponseFormat.JSON, p.responseFormat());
    }

    @Test
    void singleSettersOverrideTheBaseParameters() {
        ChatRequestParameters base = ChatRequestParameters.builder().temperature(1.0).topK(5).maxOutputTokens(9).build();
        ChatRequestParameters p = PanamaLlamaStreamingChatModel.builder().defaultRequestParameters(base).temperature(0.0)
                .defaultParameters("m");
        assertEquals(0.0, p.temperature());
        assertEquals(5, p.topK());
        assertEquals(9, p.maxOutputTokens());
    }

    @Test
    void seedOutsideLlamaCppsRangeIsRefusedByTheBuilder() {
        for (long bad : new long[] {-1, 4294967295L, Long.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PanamaLlamaChatModel.builder().seed(bad));
            assertTrue(e.getMessage().contains(Long.toString(bad)) && e.getMessage().contains("0..4294967294"), e.getMessage());
        }
        assertDoesNotThrow(() -> PanamaLlamaStreamingChatModel.builder().seed(0L).seed(4294967294L).seed(null));
    }

    @Test
    void nothingSetLeavesParametersUnset() {
        ChatRequestParameters p = PanamaLlamaChatModel.builder().defaultParameters("m");
        assertNull(p.temperature());
        assertNull(p.maxOutputTokens());
        assertNull(p.responseFormat());
        assertTrue(p.stopSequences() == null || p.stopSequences().isEmpty());
    }
}
