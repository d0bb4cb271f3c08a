package io.github.panamallama.tests;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;

/** The official OpenAI Java SDK's client for a test server, closable with try-with-resources; no retries. */
record SdkClient(OpenAIClient api) implements AutoCloseable {
    static SdkClient of(ServerProcess server, String apiKey) {
        return new SdkClient(OpenAIOkHttpClient.builder().baseUrl(server.baseUrl()).apiKey(apiKey).maxRetries(0).build());
    }

    @Override
    public void close() {
        api.close();
    }
}
