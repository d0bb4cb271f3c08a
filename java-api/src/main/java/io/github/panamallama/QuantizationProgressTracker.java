package io.github.panamallama;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the log lines {@code llama_model_quantize} writes for each tensor into
 * {@link QuantizationProgress} reports. llama.cpp v0.5.0 logs, per tensor,
 * {@code "[  12/ 291] blk.1.attn_k.weight - [ 4096, 1024, 1, 1], type = f16, "}, maybe
 * {@code "converting to q4_0 .. "}, and once the tensor is written
 * {@code "size =    8.00 MiB ->     2.25 MiB"} (or {@code "size =    0.016 MiB"} when copied).
 *
 * <p>Runs inside llama.cpp's log callback: a line that does not parse gives no report, never
 * an exception; the listener's first exception is kept for {@link Quantizer} to rethrow, and
 * ends the reports.
 */
final class QuantizationProgressTracker implements Consumer<String> {
    private static final Pattern TENSOR_START = Pattern.compile("^\\[\\s*(\\d+)/\\s*(\\d+)]\\s+(\\S+)");
    /** The output size is the last MiB figure: "size = IN MiB -> OUT MiB" or "size = SAME MiB". */
    private static final Pattern TENSOR_WRITTEN = Pattern.compile("^size\\s*=\\s*([0-9.]+) MiB(?:\\s*->\\s*([0-9.]+) MiB)?");
    private static final double MIB = 1024.0 * 1024.0;

    private final QuantizationListener listener;
    private final Map<String, Long> inputTensorBytes;
    private final long inputTotalBytes;
    private final long startNanos;

    private int index;
    private int count;
    private String name;
    private int reported;
    private long bytesRead;
    private long bytesWritten;
    private Throwable failure;

    /**
     * @param inputTensorBytes each input tensor's size by name, from the input's GGUF header
     *     (empty if it could not be read: the logged sizes stand in)
     */
    QuantizationProgressTracker(QuantizationListener listener, Map<String, Long> inputTensorBytes, long startNanos) {
        this.listener = listener;
        this.inputTensorBytes = Map.copyOf(inputTensorBytes);
        this.inputTotalBytes = inputTensorBytes.values().stream().mapToLong(Long::longValue).sum();
        this.startNanos = startNanos;
    }

    @Override
    public void accept(String line) {
        if (failure != null) {
            return;
        }
        QuantizationProgress progress;
        try {
            progress = parse(line);
        } catch (RuntimeException unexpected) {
            return; // worded differently than expected: this line gives no progress
        }
        if (progress != null) {
            try {
                listener.progress(progress);
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    private QuantizationProgress parse(String line) {
        Matcher start = TENSOR_START.matcher(line);
        if (start.find()) {
            index = Integer.parseInt(start.group(1));
            count = Integer.parseInt(start.group(2));
            name = start.group(3);
            return null;
        }
        Matcher written = TENSOR_WRITTEN.matcher(line);
        if (!written.find() || name == null || index <= reported || index > count) {
            return null;
        }
        double inMib = Double.parseDouble(written.group(1));
        double outMib = written.group(2) == null ? inMib : Double.parseDouble(written.group(2));
        bytesRead += inputTensorBytes.getOrDefault(name, Math.round(inMib * MIB));
        bytesWritten += Math.round(outMib * MIB);
        reported = index;
        String done = name;
        name = null;
        // A split input lists only its own tensors: never report a total below what was read.
        long total = inputTotalBytes == 0 ? 0 : Math.max(inputTotalBytes, bytesRead);
        return new QuantizationProgress(index, count, done, bytesRead, total,
                bytesWritten, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** The listener's exception, if it threw one. */
    Throwable failure() {
        return failure;
    }
}
