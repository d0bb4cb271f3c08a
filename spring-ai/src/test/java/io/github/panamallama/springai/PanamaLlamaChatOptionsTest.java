package io.github.panamallama.springai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/** How options combine: what ChatClient does with the model's defaults and a request's options. */
class PanamaLlamaChatOptionsTest {

    @Test
    void requestValuesOverrideDefaultsAndUnsetOnesKeepThem() {
        PanamaLlamaChatOptions defaults = PanamaLlamaChatOptions.builder().temperature(0.2).topK(10).seed(5L)
                .stopSequences(List.of("END")).build();
        PanamaLlamaChatOptions merged = defaults.mutate()
                .combineWith(ChatOptions.builder().temperature(0.9).maxTokens(12).stopSequences(List.of("STOP")))
                .build();
        assertThat(merged.getTemperature()).isEqualTo(0.9);
        assertThat(merged.getMaxTokens()).isEqualTo(12);
        assertThat(merged.getTopK()).isEqualTo(10);
        assertThat(merged.getSeed()).isEqualTo(5L);
        assertThat(merged.getStopSequences()).containsExactly("END", "STOP");
    }

    @Test
    void providerValuesCombineToo() {
        PanamaLlamaChatOptions merged = PanamaLlamaChatOptions.builder().seed(1L).build().mutate()
                .combineWith(PanamaLlamaChatOptions.builder().seed(2L).minP(0.2).toolChoice(ToolChoice.NONE)
                        .outputSchema("{\"type\":\"object\"}"))
                .build();
        assertThat(merged.getSeed()).isEqualTo(2L);
        assertThat(merged.getMinP()).isEqualTo(0.2);
        assertThat(merged.getToolChoice()).isEqualTo(ToolChoice.NONE);
        assertThat(merged.getOutputSchema()).isEqualTo("{\"type\":\"object\"}");
    }

    @Test
    void mutateCopiesEverythingAndIsEqual() {
        PanamaLlamaChatOptions options = PanamaLlamaChatOptions.builder().model("m").temperature(0.1).topP(0.5)
                .topK(3).minP(0.01).maxTokens(9).stopSequences(List.of("x")).frequencyPenalty(0.3)
                .presencePenalty(0.4).repeatPenalty(1.2).seed(11L).toolChoice(ToolChoice.REQUIRED)
                .toolContext("user", "ana").outputSchema("{}").build();
        assertThat(options.mutate().build()).isEqualTo(options).hasSameHashCodeAs(options);
        assertThat(options.mutate().clone().build()).isEqualTo(options);
    }

    @Test
    void itIsAToolCallingAndStructuredOutputOption() {
        // ChatClient adds tools and the output schema only to options of these two kinds.
        assertThat(PanamaLlamaChatOptions.builder().build())
                .isInstanceOf(ToolCallingChatOptions.class)
                .isInstanceOf(StructuredOutputChatOptions.class);
    }
}
