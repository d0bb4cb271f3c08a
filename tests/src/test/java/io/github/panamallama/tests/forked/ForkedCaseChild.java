package io.github.panamallama.tests.forked;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The child JVM of {@link ForkedRun}: runs every case of a {@link ForkedCases} class and reports
 * each between {@code @@begin NAME} and {@code @@end NAME OUTCOME} on stdout, so that the parent
 * knows which case was running if the process dies.
 *
 * <p>Arguments: the {@link ForkedCases} class name, then the arguments for its cases.
 */
public final class ForkedCaseChild {
    static final String BEGIN = "@@begin ";
    static final String END = "@@end ";

    private ForkedCaseChild() {}

    public static void main(String[] args) throws Exception {
        ForkedCases cases = (ForkedCases) Class.forName(args[0]).getConstructor().newInstance();
        List<String> arguments = List.of(Arrays.copyOfRange(args, 1, args.length));
        for (Map.Entry<String, Callable<String>> c : cases.cases(arguments).entrySet()) {
            System.out.println(BEGIN + c.getKey());
            System.out.flush();
            String outcome;
            try {
                outcome = "RETURNED " + c.getValue().call();
            } catch (Exception | Error e) {
                outcome = "THREW " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            System.out.println(END + c.getKey() + " " + outcome.replace("\n", "\\n"));
            System.out.flush();
        }
    }
}
