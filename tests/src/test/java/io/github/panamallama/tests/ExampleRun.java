package io.github.panamallama.tests;

import io.github.panamallama.examples.Examples;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** An example program run in this JVM, as {@code scripts/example} would run it, with its output captured. */
record ExampleRun(int exitCode, String out, String err) {
    static ExampleRun of(String... args) {
        CommandLine commandLine = Examples.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new ExampleRun(exitCode, out.toString(), err.toString());
    }

    /** Output for assertion messages. */
    String both() {
        return "--- stdout:\n" + out + "\n--- stderr:\n" + err;
    }
}
