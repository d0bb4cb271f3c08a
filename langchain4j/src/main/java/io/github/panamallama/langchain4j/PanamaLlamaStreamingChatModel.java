package io.github.panamallama.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A LangChain4j {@link StreamingChatModel} that runs a GGUF model in this process through
 * llama.cpp: the same messages, parameters and threading as {@link PanamaLlamaChatModel},
 * delivering the reply piece by piece.
 *
 * <p>Callbacks: {@code onPartialResponse} for each non-empty piece (pieces never split a
 * character or show part of a stop sequence), then exactly one of {@code onCompleteResponse}
 * and {@code onError}. Nothing is thrown out of {@code chat}: bad requests, a closed model and
 * native failures all go to {@code onError}. If the handler throws from
 * {@code onPartialResponse}, generation stops and the exception goes to {@code onError}.
 * {@link StreamingHandle#cancel()} (from the partial-response context) stops generation; no
 * callback follows.
 *
 * <p>By default generation runs on the thread that calls {@code chat}, which returns when the
 * reply is complete; give {@link Builder#executor(Executor)} to run it elsewhere and return at once.
 */
public final class PanamaLlamaStreamingChatModel extends EngineBackedChatModel implements StreamingChatModel {
    private static final System.Logger LOG = System.getLogger(PanamaLlamaStreamingChatModel.class.getName());

    private final Executor executor;

    private PanamaLlamaStreamingChatModel(Builder builder) {
        super(ChatEngine.create(builder, "PanamaLlamaStreamingChatModel"));
        this.executor = builder.executor;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(handler, "handler");
        try {
            executor.execute(() -> run(request, handler));
        } catch (RuntimeException e) { // e.g. the executor was shut down
            notifyError(handler, e);
        }
    }

    private void run(ChatRequest request, StreamingChatResponseHandler handler) {
        Handle handle = new Handle();
        PartialResponseContext partialContext = new PartialResponseContext(handle);
        ChatResponse response;
        try {
            response = engine.generate(request, piece -> {
                if (!piece.isEmpty()) {
                    try {
                        handler.onPartialResponse(new PartialResponse(piece), partialContext);
                    } catch (RuntimeException e) {
                        throw new HandlerFailure(e);
                    }
                }
            }, handle::isCancelled);
        } catch (HandlerFailure e) {
            notifyError(handler, e.getCause());
            return;
        } catch (RuntimeException | Error e) {
            notifyError(handler, e);
            return;
        }
        if (response == null) {
            return; // cancelled through the streaming handle
        }
        try {
            handler.onCompleteResponse(response);
        } catch (RuntimeException e) {
            notifyError(handler, e);
        }
    }

    private static void notifyError(StreamingChatResponseHandler handler, Throwable error) {
        try {
            handler.onError(error);
        } catch (RuntimeException e) {
            e.addSuppressed(error);
            LOG.log(System.Logger.Level.WARNING, "StreamingChatResponseHandler.onError threw", e);
        }
    }

    /** Carries an exception the handler threw out of the generation loop. */
    private static final class HandlerFailure extends RuntimeException {
        private static final long serialVersionUID = 1;

        HandlerFailure(RuntimeException cause) {
            super(cause);
        }
    }

    /** Lets the handler stop the generation from its callbacks. */
    private static final class Handle implements StreamingHandle {
        private final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    public static final class Builder extends ChatModelBuilder<Builder> {
        private Executor executor = Runnable::run;

        private Builder() {}

        /** Where generations run; default the calling thread. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Loads the model (if given by path) and checks the settings.
         *
         * @throws IllegalArgumentException for bad settings, naming the setting
         * @throws io.github.panamallama.ModelLoadException if the model does not load
         */
        public PanamaLlamaStreamingChatModel build() {
            return new PanamaLlamaStreamingChatModel(this);
        }
    }
}
