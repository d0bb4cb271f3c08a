package io.github.panamallama.examples.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Instant;

/**
 * The access log: one JSON object per answered request, one per line, on standard output, so
 * that log shippers and {@code jq} read it without a pattern.
 */
final class AccessLog {
    private final ObjectMapper json;
    private final PrintStream out;

    AccessLog(ObjectMapper json, PrintStream out) {
        this.json = json;
        this.out = out;
    }

    /**
     * One request. Token counts and timings are null where they do not apply.
     *
     * @param outcome {@code completed}, {@code refused} (an error answer), {@code client_gone},
     *     {@code timed_out} (cut by the request time limit), {@code failed} (an error after
     *     streaming started)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String time, String remote, String method, String path, int status,
                 @JsonProperty("duration_ms") long durationMillis, String outcome, Boolean stream,
                 @JsonProperty("prompt_tokens") Integer promptTokens,
                 @JsonProperty("completion_tokens") Integer completionTokens,
                 @JsonProperty("ttft_ms") Long timeToFirstTokenMillis,
                 @JsonProperty("error_code") String errorCode) {}

    void write(Entry entry) {
        String line;
        try {
            line = json.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an access log entry is plain data", e);
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    static String now() {
        return Instant.now().toString();
    }
}
