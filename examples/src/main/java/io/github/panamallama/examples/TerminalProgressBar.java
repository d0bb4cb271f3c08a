package io.github.panamallama.examples;

import io.github.panamallama.LoadProgressListener;
import io.github.panamallama.QuantizationListener;
import io.github.panamallama.QuantizationProgress;
import io.github.panamallama.QuantizationResult;
import io.github.panamallama.convert.ConversionListener;
import io.github.panamallama.convert.ConversionProgress;
import io.github.panamallama.convert.ConversionResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar redrawn in place with carriage returns, for any of the library's long
 * jobs: a conversion ({@link ConversionListener}), a quantization ({@link QuantizationListener})
 * or a model load ({@link LoadProgressListener}). One bar follows one job. For terminals only
 * (see {@link #forConsole()}), since redirected output would collect every redraw.
 */
public final class TerminalProgressBar implements ConversionListener, QuantizationListener, LoadProgressListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long UNSET = Long.MIN_VALUE;

    private final PrintStream out;
    private final LongSupplier clock;
    private final long quietNanos;
    private long firstReport = UNSET;
    private long lastDraw = UNSET;
    private int lastLength;

    /** A bar on {@code out} that draws from the first report on. */
    public TerminalProgressBar(PrintStream out) {
        this(out, Duration.ZERO, System::nanoTime);
    }

    /**
     * @param out where to draw; {@code null} draws nothing
     * @param quietPeriod nothing is drawn until the job has run this long, so quick jobs stay
     *     silent
     */
    TerminalProgressBar(PrintStream out, Duration quietPeriod, LongSupplier clock) {
        this.out = out;
        this.quietNanos = quietPeriod.toNanos();
        this.clock = clock;
    }

    /**
     * A bar on standard error when this JVM has an interactive terminal; otherwise one that
     * draws nothing.
     */
    public static TerminalProgressBar forConsole() {
        return forConsole(Duration.ZERO);
    }

    /**
     * As {@link #forConsole()}, silent until the job has run for {@code quietPeriod}: for jobs
     * that are usually instant but sometimes not, such as loading a model (milliseconds when
     * the file is in the page cache, minutes from a slow disk).
     */
    public static TerminalProgressBar forConsole(Duration quietPeriod) {
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        return new TerminalProgressBar(terminal ? System.err : null, quietPeriod, System::nanoTime);
    }

    @Override
    public void progress(ConversionProgress progress) {
        update(render(progress), progress.bytesWritten() >= progress.totalBytes());
    }

    @Override
    public void finished(ConversionResult result) {
        finish(String.format("done: %d tensors, %s in %.1f s (%.0f MB/s read)", result.tensorCount(),
                size(result.fileBytes()), result.elapsed().toMillis() / 1000.0, result.inputMegabytesPerSecond()));
    }

    @Override
    public void progress(QuantizationProgress progress) {
        update(render(progress), progress.tensorsDone() >= progress.tensorCount());
    }

    @Override
    public void finished(QuantizationResult result) {
        finish(String.format("done: %s, %s -> %s in %.1f s", result.type(), size(result.inputBytes()),
                size(result.outputBytes()), result.elapsed().toMillis() / 1000.0));
    }

    /** Draws the load's progress; a load that ends within the quiet period leaves no trace. */
    @Override
    public boolean onProgress(float progress) {
        boolean done = progress >= 1f;
        update(bar(progress) + "  loading model  " + seconds(), done);
        if (done && lastDraw != UNSET) {
            finish("model loaded in " + seconds());
        }
        return true;
    }

    /** The bar's text for a conversion, without the carriage return. */
    static String render(ConversionProgress progress) {
        return String.format("%s  %s  %4.0f MB/s  %d/%d %s", bar(progress.fraction()),
                part(progress.bytesWritten(), progress.totalBytes()), progress.megabytesPerSecond(),
                progress.tensorIndex() + 1, progress.tensorCount(), progress.tensorName());
    }

    /** The bar's text for a quantization: input read of the total, output written so far. */
    static String render(QuantizationProgress progress) {
        return String.format("%s  %s -> %s  %4.0f MB/s  %d/%d %s", bar(progress.fraction()),
                part(progress.bytesRead(), progress.totalBytes()), size(progress.bytesWritten()),
                progress.megabytesPerSecond(), progress.tensorsDone(), progress.tensorCount(), progress.tensorName());
    }

    /** {@code [#######       ]  25%} */
    static String bar(double fraction) {
        double clamped = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(clamped * WIDTH);
        return String.format("[%s%s] %3d%%", "#".repeat(filled), " ".repeat(WIDTH - filled), Math.round(clamped * 100));
    }

    /** {@code 3.62 GB} from 1 GB on, else {@code 5.1 MB}: a small model's figures stay readable. */
    static String size(long bytes) {
        return bytes >= 1e9 ? String.format("%.2f GB", bytes / 1e9) : String.format("%.1f MB", bytes / 1e6);
    }

    /** {@code 0.50/2.00 GB}: both in the total's unit. */
    static String part(long done, long total) {
        return total >= 1e9 ? String.format("%.2f/%.2f GB", done / 1e9, total / 1e9)
                : String.format("%.1f/%.1f MB", done / 1e6, total / 1e6);
    }

    private String seconds() {
        long since = firstReport == UNSET ? 0 : clock.getAsLong() - firstReport;
        return String.format("%.1f s", since / 1e9);
    }

    /** Draws at most every 200 ms, always the last state, nothing within the quiet period. */
    private void update(String line, boolean last) {
        long now = clock.getAsLong();
        if (firstReport == UNSET) {
            firstReport = now;
        }
        if (lastDraw == UNSET ? now - firstReport < quietNanos : now - lastDraw < REDRAW_NANOS && !last) {
            return;
        }
        lastDraw = now;
        draw(line);
    }

    /** The closing line, replacing the bar, then a line break. */
    private void finish(String line) {
        if (out == null) {
            return;
        }
        draw(line);
        out.println();
        out.flush();
    }

    private void draw(String line) {
        if (out == null) {
            return;
        }
        // pad over the remains of a longer previous line
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        out.flush();
    }
}
