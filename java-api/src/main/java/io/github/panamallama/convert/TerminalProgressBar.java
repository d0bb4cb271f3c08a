package io.github.panamallama.convert;

import java.io.PrintStream;

/**
 * A one-line progress bar redrawn in place with carriage returns: for terminals only (see
 * {@link #forConsole()}), since redirected output would collect every redraw.
 */
public final class TerminalProgressBar implements ConversionListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;

    public TerminalProgressBar(PrintStream out) {
        this.out = out;
    }

    /** A bar on standard error when this JVM has an interactive terminal, otherwise {@link #NONE}. */
    public static ConversionListener forConsole() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? new TerminalProgressBar(System.err) : NONE;
    }

    @Override
    public void progress(ConversionProgress progress) {
        long now = System.nanoTime();
        if (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS && progress.bytesWritten() < progress.totalBytes()) {
            return;
        }
        lastDraw = now;
        draw(render(progress));
    }

    @Override
    public void finished(ConversionResult result) {
        draw(String.format("done: %d tensors, %.2f GB in %.1f s (%.0f MB/s read)", result.tensorCount(),
                result.fileBytes() / 1e9, result.elapsed().toMillis() / 1000.0, result.inputMegabytesPerSecond()));
        out.println();
        out.flush();
    }

    /** The bar's text for a progress state, without the carriage return. */
    static String render(ConversionProgress progress) {
        int filled = (int) Math.round(progress.fraction() * WIDTH);
        return String.format("[%s%s] %3d%%  %.2f/%.2f GB  %4.0f MB/s  %d/%d %s",
                "#".repeat(filled), " ".repeat(WIDTH - filled), Math.round(progress.fraction() * 100),
                progress.bytesWritten() / 1e9, progress.totalBytes() / 1e9, progress.megabytesPerSecond(),
                progress.tensorIndex() + 1, progress.tensorCount(), progress.tensorName());
    }

    private void draw(String line) {
        // pad over the remains of a longer previous line
        out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        out.flush();
    }
}
