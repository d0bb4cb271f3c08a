package io.github.panamallama;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generates for many requests at once on one context (continuous batching): each request runs
 * on a sequence of its own, the sequences share the context's memory, and every step decodes
 * the next token of all running requests in one batch. A newly submitted prompt joins in
 * chunks ({@link ParallelOptions#promptTokensPerStep()}) so that a long one does not stall the
 * others. Requests beyond the free sequences wait, in order.
 *
 * <p><b>Prompt cache.</b> When a request ends, its sequence keeps its tokens in memory. A new
 * request runs on the idle sequence whose tokens share the longest prefix with its prompt, and
 * decodes only the rest; {@link TokenUsage#cachedTokens()} says how many were reused. The
 * output is the same as without the cache. When the memory is full, cached prompts give way
 * first (least recently used first); only then does a running request end, the one holding
 * the most memory, with {@link StopReason#CONTEXT_FULL}.
 *
 * <p><b>Threads.</b> The generator runs its own thread, the only one to use the context until
 * {@link #close()}; meanwhile the context refuses other callers. Submit from any thread; each
 * request's {@link GenerationHandle} delivers its pieces and result to whichever thread reads
 * them, and cancels from any thread. Each request samples with its own sampler, so greedy and
 * seeded requests give the tokens they would give alone.
 *
 * <p>Create the context with as many sequences as requests should run at once, and usually
 * with {@link ContextOptions#unifiedMemory()} on, as llama.cpp's server does, so that each
 * request may use the whole context:
 * {@code ContextOptions.builder().sequences(4).unifiedMemory(true)}.
 */
public final class ParallelGenerator implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final LlamaContext context;
    private final LlamaModel model;
    private final int sequences;
    private final int sequenceContextLength;
    private final int vocabularySize;
    private final AtomicInteger running = new AtomicInteger();
    private final RequestQueue queue;
    private final ParallelLoop loop;
    private final Thread thread;
    /** Samplers callers lent to requests that have not ended: one sampler serves one request at a time. */
    private final Set<Sampler> lentSamplers = ConcurrentHashMap.newKeySet();

    /** A generator with {@link ParallelOptions#defaults()}: all the context's sequences. */
    public ParallelGenerator(LlamaContext context) {
        this(context, ParallelOptions.defaults());
    }

    /**
     * Takes over the context (until {@link #close()}) and starts the generator's thread. The
     * context's memory is cleared first; the context itself stays the caller's to close, after
     * the generator.
     *
     * @throws IllegalArgumentException if the options ask for more sequences than the context holds
     * @throws IllegalStateException if the context is closed or in use (e.g. by an open
     *     {@link CompletionStream} or another generator)
     */
    public ParallelGenerator(LlamaContext context, ParallelOptions options) {
        this(context, options, null);
    }

    /** @param listener sees each decoded batch's composition (for tests), or null */
    ParallelGenerator(LlamaContext context, ParallelOptions options, ParallelLoop.StepListener listener) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(options, "options");
        this.context = context;
        this.model = context.model();
        int available = context.sequences();
        this.sequences = options.sequences() == 0 ? available : options.sequences();
        if (sequences > available) {
            throw new IllegalArgumentException("ParallelOptions asks for " + sequences + " sequences but the context holds "
                    + available + "; create it with ContextOptions.builder().sequences(" + sequences + ")");
        }
        int chunk = options.promptTokensPerStep() == 0 ? context.ubatchSize() : options.promptTokensPerStep();
        this.sequenceContextLength = context.sequenceContextLength();
        this.vocabularySize = model.vocabulary().size();
        this.queue = new RequestQueue(options.maxQueued(), () -> sequences - running.get());
        context.guard().hold(this);
        try {
            this.loop = new ParallelLoop(this, context, queue, running, sequences, chunk, options.promptCache(), listener);
            this.thread = Thread.ofPlatform().daemon(true)
                    .name("panama-llama-parallel-" + THREADS.incrementAndGet())
                    .unstarted(loop);
            thread.start();
        } catch (RuntimeException | Error e) {
            context.guard().release(this);
            throw e;
        }
    }

    /** Submits a text prompt, tokenized as {@code options} says (addSpecial, parseSpecial). */
    public GenerationHandle submit(String prompt, GenerationOptions options) {
        return submit(prompt, options, null);
    }

    /**
     * Submits a text prompt, sampled with a new sampler made from {@code sampling} for this
     * request (and closed when it ends).
     */
    public GenerationHandle submit(String prompt, GenerationOptions options, SamplingSettings sampling) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(options, "options");
        queue.requireOpen(); // before the work of tokenizing
        return submit(model.vocabulary().tokenize(prompt, options.addSpecial(), options.parseSpecial()), options, sampling);
    }

    /**
     * Submits a tokenized prompt. It samples with {@code options.sampler()} if given (the
     * sampler then serves this request alone until it ends, and is not closed), else greedily.
     */
    public GenerationHandle submit(int[] promptTokens, GenerationOptions options) {
        return submit(promptTokens, options, null);
    }

    /**
     * Submits a tokenized prompt, sampled with a new sampler made from {@code sampling} (null:
     * as {@link #submit(int[], GenerationOptions)}). Everything is checked here, on the
     * caller's thread, before the request is queued: a request that cannot run is refused
     * with an exception, never started.
     *
     * @return the request's handle: its pieces, result and cancellation
     * @throws IllegalArgumentException if the prompt is empty, holds a token id outside the
     *     vocabulary, or does not leave room in one sequence
     *     ({@link LlamaContext#sequenceContextLength()}) for a generated token; if both
     *     {@code options.sampler()} and {@code sampling} are given; if that sampler is serving
     *     another request; if {@code sampling}'s grammar does not parse
     * @throws java.util.concurrent.RejectedExecutionException if {@link ParallelOptions#maxQueued()}
     *     requests are waiting already
     * @throws IllegalStateException if the generator is closed
     */
    public GenerationHandle submit(int[] promptTokens, GenerationOptions options, SamplingSettings sampling) {
        Objects.requireNonNull(promptTokens, "promptTokens");
        Objects.requireNonNull(options, "options");
        int[] prompt = promptTokens.clone();
        checkPrompt(prompt);
        queue.requireOpen();
        ParallelRequest request = newRequest(prompt, options, sampling);
        try {
            queue.add(request);
        } catch (RuntimeException e) {
            request.releaseSampler();
            throw e;
        }
        return request.handle();
    }

    private void checkPrompt(int[] prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt gives no tokens");
        }
        if (prompt.length >= sequenceContextLength) {
            throw new IllegalArgumentException("the prompt is " + prompt.length + " tokens; a sequence of this context holds "
                    + sequenceContextLength + ", which must leave room for at least one generated token");
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocabularySize) {
                throw new IllegalArgumentException("prompt token " + i + " = " + prompt[i] + " is not a token id (0.."
                        + (vocabularySize - 1) + ")");
            }
        }
    }

    private ParallelRequest newRequest(int[] prompt, GenerationOptions options, SamplingSettings sampling) {
        if (options.sampler().isPresent()) {
            if (sampling != null) {
                throw new IllegalArgumentException("give either GenerationOptions.sampler or SamplingSettings, not both");
            }
            Sampler lent = options.sampler().get();
            if (!lentSamplers.add(lent)) {
                throw new IllegalArgumentException("this Sampler is serving another request that has not ended;"
                        + " a sampler keeps state, so give each request its own");
            }
            return new ParallelRequest(prompt, options, lent, lentSamplers);
        }
        Sampler own = sampling == null ? Sampler.greedy(model) : sampling.newSampler(model);
        return new ParallelRequest(prompt, options, own, null);
    }

    /** How many requests run at once at most: the sequences this generator uses. */
    public int sequences() {
        return sequences;
    }

    /** Requests running now (on a sequence). */
    public int running() {
        return running.get();
    }

    /** Requests waiting for a free sequence now. */
    public int waiting() {
        return queue.size();
    }

    /**
     * Stops the generator: refuses new requests, ends running and waiting ones with
     * {@link StopReason#CANCELLED} (a decode in progress is cut short), clears the context's
     * memory and gives the context back. Waits for the generator's thread to finish.
     * Idempotent.
     */
    @Override
    public void close() {
        queue.close(null);
        loop.abortDecode();
        if (Thread.currentThread() == thread) {
            return; // cannot wait for itself; the loop ends after this step
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // finish closing: the context must be free when close returns
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
