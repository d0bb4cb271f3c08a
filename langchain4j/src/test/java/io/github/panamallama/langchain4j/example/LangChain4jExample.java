package io.github.panamallama.langchain4j.example;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.github.panamallama.LlamaModel;
import io.github.panamallama.langchain4j.PanamaLlamaChatModel;
import io.github.panamallama.langchain4j.PanamaLlamaEmbeddingModel;
import io.github.panamallama.langchain4j.PanamaLlamaStreamingChatModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * LangChain4j's three model interfaces on one GGUF model, loaded once and shared: a chat, the
 * same chat streamed, a JSON reply constrained by a schema, and embeddings.
 *
 * <p>Usage: {@code scripts/langchain4j-example.sh [model.gguf]}; without an argument it uses
 * the project's tiny-Mistral test fixture, whose weights are random: its replies are gibberish,
 * but every call is real.
 */
public final class LangChain4jExample {
    private LangChain4jExample() {}

    public static void main(String[] args) {
        Path model = args.length > 0 ? Path.of(args[0]) : tinyModel();
        if (!Files.isRegularFile(model)) {
            System.err.println("model not found: " + model + "\nusage: scripts/langchain4j-example.sh [model.gguf]"
                    + " (without an argument: the tiny-Mistral fixture, made by the tests module's build"
                    + " and converted to build/fixtures/tiny-mistral/tiny-mistral-f16.gguf)");
            System.exit(2);
        }
        run(model, System.out);
    }

    private static Path tinyModel() {
        String home = System.getProperty("panamallama.home", ".");
        return Path.of(home, "build", "fixtures", "tiny-mistral", "tiny-mistral-f16.gguf");
    }

    /** Runs every step on {@code modelFile}, printing to {@code out}. */
    public static void run(Path modelFile, PrintStream out) {
        try (LlamaModel model = LlamaModel.load(modelFile);
                PanamaLlamaChatModel chatModel = PanamaLlamaChatModel.builder().model(model)
                        .contextLength(512).temperature(0.0).maxTokens(24).build();
                PanamaLlamaStreamingChatModel streamingModel = PanamaLlamaStreamingChatModel.builder().model(model)
                        .contextLength(512).temperature(0.0).maxTokens(24).build();
                PanamaLlamaEmbeddingModel embeddingModel = PanamaLlamaEmbeddingModel.builder().model(model).build()) {
            out.println("model: " + chatModel.modelName() + ", chat template: " + chatModel.chatTemplate());
            chat(chatModel, out);
            stream(streamingModel, out);
            json(chatModel, out);
            embed(embeddingModel, out);
        }
    }

    private static ChatRequest question() {
        return ChatRequest.builder()
                .messages(SystemMessage.from("You are a helpful assistant."), UserMessage.from("What is a llama?"))
                .build();
    }

    private static void chat(ChatModel model, PrintStream out) {
        ChatResponse response = model.chat(question());
        out.println("\n== ChatModel");
        out.println("reply:  " + response.aiMessage().text());
        out.println("finish: " + response.finishReason() + ", tokens: " + response.tokenUsage());
    }

    private static void stream(StreamingChatModel model, PrintStream out) {
        out.println("\n== StreamingChatModel (pieces separated by |)");
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(question(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                out.print(partial + "|");
                out.flush();
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.join(); // the default executor ran it on this thread: already done
        out.println("\nfinish: " + response.finishReason() + ", tokens: " + response.tokenUsage());
    }

    private static void json(ChatModel model, PrintStream out) {
        JsonSchema schema = JsonSchema.builder().name("Animal").rootElement(JsonObjectSchema.builder()
                .addProperty("kind", JsonEnumSchema.builder().enumValues("mammal", "bird", "fish").build())
                .addProperty("legs", new JsonIntegerSchema())
                .required("kind", "legs")
                .build()).build();
        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("Describe a llama as JSON."))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build())
                .maxOutputTokens(64)
                .build());
        out.println("\n== ChatModel with a JSON schema response format");
        out.println("reply:  " + response.aiMessage().text());
        out.println("finish: " + response.finishReason());
    }

    private static void embed(EmbeddingModel model, PrintStream out) {
        List<TextSegment> texts = List.of(TextSegment.from("Llamas live in the Andes."),
                TextSegment.from("Alpacas are related to llamas."), TextSegment.from("The stock market fell today."));
        List<Embedding> vectors = model.embedAll(texts).content();
        out.println("\n== EmbeddingModel (dimension " + model.dimension() + ")");
        for (int i = 0; i < texts.size(); i++) {
            float[] v = vectors.get(i).vector();
            out.printf("%-32s [%.4f, %.4f, %.4f, ...]%n", texts.get(i).text(), v[0], v[1], v[2]);
        }
        out.printf("cosine(0,1) = %.4f, cosine(0,2) = %.4f%n", dot(vectors.get(0), vectors.get(1)),
                dot(vectors.get(0), vectors.get(2)));
    }

    /** The vectors have unit length, so their dot product is their cosine similarity. */
    private static double dot(Embedding a, Embedding b) {
        double sum = 0;
        for (int i = 0; i < a.dimension(); i++) {
            sum += (double) a.vector()[i] * b.vector()[i];
        }
        return sum;
    }
}
