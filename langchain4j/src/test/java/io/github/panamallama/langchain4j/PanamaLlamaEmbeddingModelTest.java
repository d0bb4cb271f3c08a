package io.github.panamallama.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.output.Response;
import io.github.panamallama.ContextOptions;
import io.github.panamallama.LlamaContext;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.PoolingType;
import io.github.panamallama.fixture.BuiltFixtures;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link PanamaLlamaEmbeddingModel} through LangChain4j's {@link EmbeddingModel} interface. The
 * tiny model's weights are random, so nothing is asserted about which texts come out closer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PanamaLlamaEmbeddingModelTest {
    private LlamaModel llama;
    private PanamaLlamaEmbeddingModel owned;
    private EmbeddingModel model;

    @BeforeAll
    void load() {
        llama = LlamaModel.load(BuiltFixtures.tinyMistralF16());
        owned = PanamaLlamaEmbeddingModel.builder().model(llama).threads(1).maxSegmentTokens(64).build();
        model = owned;
    }

    @AfterAll
    void close() {
        owned.close();
        llama.close();
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    @Test
    void unitLengthDeterministicAndOfTheModelsDimension() {
        assertEquals(llama.embeddingLength(), model.dimension());
        Embedding first = model.embed("The cat sat on the mat.").content();
        Embedding second = model.embed("The cat sat on the mat.").content();
        assertEquals(model.dimension(), first.dimension());
        assertEquals(1.0, norm(first.vector()), 1e-5);
        assertArrayEquals(first.vector(), second.vector());
        Embedding other = model.embed("Stock prices fell sharply.").content();
        assertEquals(1.0, norm(other.vector()), 1e-5);
        assertFalse(java.util.Arrays.equals(first.vector(), other.vector()));
    }

    @Test
    void equalsMeanPooledEmbeddingsOfThePlainApi() {
        float[] expected;
        try (LlamaContext context = llama.newContext(ContextOptions.builder().embeddings(true).pooling(PoolingType.MEAN)
                .contextLength(64).batchSize(64).ubatchSize(64).threads(1).build())) {
            expected = context.embed("Hello world");
        }
        assertArrayEquals(expected, model.embed("Hello world").content().vector(), 1e-6f);
    }

    @Test
    void embedAllKeepsOrderAndCountsTokens() {
        List<TextSegment> segments = List.of(TextSegment.from("one"), TextSegment.from("two words"), TextSegment.from("one"));
        Response<List<Embedding>> response = model.embedAll(segments);
        List<Embedding> embeddings = response.content();
        assertEquals(3, embeddings.size());
        assertArrayEquals(embeddings.get(0).vector(), embeddings.get(2).vector());
        assertArrayEquals(model.embed("two words").content().vector(), embeddings.get(1).vector());
        int tokens = 0;
        for (TextSegment segment : segments) {
            tokens += llama.vocabulary().tokenize(segment.text()).length;
        }
        assertEquals(tokens, response.tokenUsage().inputTokenCount());
        assertEquals(0, model.embedAll(List.of()).content().size());
    }

    @Test
    void reportsItsNameAndProvider() {
        assertEquals("tiny-mistral-f16", model.modelName());
        assertEquals(dev.langchain4j.model.ModelProvider.OTHER, model.provider());
    }

    @Test
    void tooLongTextNamesTheLimit() {
        String longText = "word ".repeat(200);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.embedAll(List.of(TextSegment.from("short"), TextSegment.from(longText))));
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("at most 64"), e.getMessage());
    }

    @Test
    void nonTextInputIsRejected() {
        EmbeddingRequest request = EmbeddingRequest.builder()
                .inputs(List.of(EmbeddingInput.from(ImageContent.from("aGVsbG8=", "image/png")))).build();
        UnsupportedFeatureException byLangChain4j = assertThrows(UnsupportedFeatureException.class, () -> model.embed(request));
        assertTrue(byLangChain4j.getMessage().contains("IMAGE"), byLangChain4j.getMessage());
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class, () -> owned.doEmbed(request));
        assertTrue(direct.getMessage().contains("input 0") && direct.getMessage().contains("IMAGE"), direct.getMessage());
    }

    @Test
    void badSettingsFailAtBuild() {
        IllegalArgumentException pooling = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaEmbeddingModel.builder().model(llama).pooling(PoolingType.NONE).build());
        assertTrue(pooling.getMessage().contains("NONE"), pooling.getMessage());
        IllegalArgumentException tokens = assertThrows(IllegalArgumentException.class,
                () -> PanamaLlamaEmbeddingModel.builder().model(llama).maxSegmentTokens(0).build());
        assertTrue(tokens.getMessage().contains("maxSegmentTokens"), tokens.getMessage());
    }

    @Test
    void closedModelSaysSo() {
        PanamaLlamaEmbeddingModel temporary = PanamaLlamaEmbeddingModel.builder().modelPath(BuiltFixtures.tinyMistralF16()).threads(1)
                .maxSegmentTokens(32).build();
        EmbeddingModel embeddings = temporary;
        assertEquals(temporary.dimension(), embeddings.embed("hi").content().dimension());
        temporary.close();
        temporary.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> embeddings.embed("hi"));
        assertTrue(e.getMessage().contains("PanamaLlamaEmbeddingModel") && e.getMessage().contains("closed"), e.getMessage());
    }
}
