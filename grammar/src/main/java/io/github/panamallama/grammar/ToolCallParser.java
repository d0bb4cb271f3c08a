package io.github.panamallama.grammar;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a reply in {@link ToolCallFormat} as it is generated: text before the
 * {@value ToolCallFormat#MARKER} marker, then each call's name as soon as it is complete and its
 * arguments piece by piece, so a server can stream them. Text that could be the start of the
 * marker is held back until it is known not to be. Not thread-safe: one parser per reply.
 *
 * <p>A reply generated under {@link ToolCallFormat#grammar} always reads cleanly. Anything else
 * after the marker that does not follow the format ends the calls: the parser then reports
 * {@link #failed()} and passes the rest on as text.
 */
public final class ToolCallParser {
    /** The head of a call, up to where its arguments begin; the grammar writes "name" first. */
    private static final Pattern HEAD =
            Pattern.compile("\\{\\s*\"name\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\")\\s*,\\s*\"arguments\"\\s*:\\s*");
    /** A head longer than this cannot be a call's (names are at most 64 characters). */
    private static final int LONGEST_HEAD = 512;

    /** What a piece of the reply turned out to be. */
    public sealed interface Event {
        /** Plain reply text (the assistant message's content). */
        record Text(String text) implements Event {}

        /** Call {@code index} (from 0) names function {@code name}; its arguments follow. */
        record CallStart(int index, String name) implements Event {}

        /** The next piece of call {@code index}'s arguments JSON. */
        record Arguments(int index, String piece) implements Event {}
    }

    private enum State { TEXT, OPEN, BEFORE_CALL, HEAD, ARGUMENTS, AFTER_ARGUMENTS, BETWEEN, DONE, FAILED }

    private State state = State.TEXT;
    private final StringBuilder pending = new StringBuilder();
    /** Everything since the marker, marker included: the text to give back if the calls fail. */
    private final StringBuilder sinceMarker = new StringBuilder();
    private final StringBuilder head = new StringBuilder();
    private final StringBuilder arguments = new StringBuilder();
    private final List<ToolCallFormat.Call> calls = new ArrayList<>();
    private String name;
    private int depth;
    private boolean inString;
    private boolean escaped;

    /** Reads the next piece of the reply; returns what it completed, in order. */
    public List<Event> feed(String piece) {
        List<Event> events = new ArrayList<>();
        if (state == State.TEXT) {
            pending.append(piece);
            int at = pending.indexOf(ToolCallFormat.MARKER);
            if (at < 0) {
                int keep = markerPrefixAtEnd(pending);
                text(events, pending.substring(0, pending.length() - keep));
                pending.delete(0, pending.length() - keep);
                return events;
            }
            text(events, pending.substring(0, at));
            String rest = pending.substring(at + ToolCallFormat.MARKER.length());
            pending.setLength(0);
            sinceMarker.append(ToolCallFormat.MARKER);
            state = State.OPEN;
            piece = rest;
        }
        if (state == State.FAILED) {
            text(events, piece);
            return events;
        }
        StringBuilder argumentPiece = new StringBuilder();
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            sinceMarker.append(c);
            step(c, events, argumentPiece);
            if (state == State.FAILED) {
                text(events, piece.substring(i + 1));
                return events;
            }
        }
        flushArguments(events, argumentPiece);
        return events;
    }

    /** Ends the reply: text held back as a possible marker start is plain text after all. */
    public List<Event> finish() {
        List<Event> events = new ArrayList<>();
        if (state == State.TEXT) {
            text(events, pending.toString());
            pending.setLength(0);
        }
        return events;
    }

    /** The calls read completely so far. */
    public List<ToolCallFormat.Call> calls() {
        return List.copyOf(calls);
    }

    /** Whether the marker was seen and the list of calls closed. */
    public boolean complete() {
        return state == State.DONE;
    }

    /** Whether text after the marker broke the format. */
    public boolean failed() {
        return state == State.FAILED;
    }

    private void step(char c, List<Event> events, StringBuilder argumentPiece) {
        boolean space = Character.isWhitespace(c);
        switch (state) {
            case OPEN -> {
                if (c == '[') {
                    state = State.BEFORE_CALL;
                } else if (!space) {
                    fail(events, argumentPiece);
                }
            }
            case BEFORE_CALL -> {
                if (c == '{') {
                    head.setLength(0);
                    head.append(c);
                    state = State.HEAD;
                } else if (c == ']' && calls.isEmpty()) {
                    state = State.DONE;
                } else if (!space) {
                    fail(events, argumentPiece);
                }
            }
            case HEAD -> {
                if (!space && HEAD.matcher(head).matches()) {
                    // The head is complete and this is the first character of the arguments.
                    Matcher matcher = HEAD.matcher(head);
                    matcher.matches();
                    name = ToolCallFormat.unquote(matcher.group(1));
                    events.add(new Event.CallStart(calls.size(), name));
                    state = State.ARGUMENTS;
                    arguments.setLength(0);
                    depth = 0;
                    inString = false;
                    escaped = false;
                    argument(c, events, argumentPiece);
                    return;
                }
                head.append(c);
                if (head.length() > LONGEST_HEAD || !couldBecomeHead(head)) {
                    fail(events, argumentPiece);
                }
            }
            case ARGUMENTS -> argument(c, events, argumentPiece);
            case AFTER_ARGUMENTS -> {
                if (c == '}') {
                    state = State.BETWEEN;
                } else if (!space) {
                    fail(events, argumentPiece);
                }
            }
            case BETWEEN -> {
                if (c == ',') {
                    state = State.BEFORE_CALL;
                } else if (c == ']') {
                    state = State.DONE;
                } else if (!space) {
                    fail(events, argumentPiece);
                }
            }
            case DONE -> {
                if (!space) {
                    fail(events, argumentPiece); // the grammar allows nothing after the list
                }
            }
            default -> throw new IllegalStateException("unexpected state " + state);
        }
    }

    /** One character of the arguments' JSON value; its closing bracket ends the call's arguments. */
    private void argument(char c, List<Event> events, StringBuilder argumentPiece) {
        arguments.append(c);
        argumentPiece.append(c);
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
            return;
        }
        switch (c) {
            case '"' -> inString = true;
            case '{', '[' -> depth++;
            case '}', ']' -> {
                depth--;
                if (depth == 0) {
                    flushArguments(events, argumentPiece);
                    calls.add(new ToolCallFormat.Call(name, arguments.toString()));
                    state = State.AFTER_ARGUMENTS;
                } else if (depth < 0) {
                    fail(events, argumentPiece);
                }
            }
            default -> {
                if (depth == 0 && !Character.isWhitespace(c)) {
                    fail(events, argumentPiece); // arguments are a JSON object
                }
            }
        }
    }

    /** Whether more characters could still complete {@code text} into a head. */
    private static boolean couldBecomeHead(CharSequence text) {
        Matcher matcher = HEAD.matcher(text);
        return matcher.matches() || matcher.hitEnd();
    }

    /** Gives back everything since the marker as text (arguments not yet passed on are in it). */
    private void fail(List<Event> events, StringBuilder argumentPiece) {
        argumentPiece.setLength(0);
        state = State.FAILED;
        text(events, sinceMarker.toString());
    }

    private void flushArguments(List<Event> events, StringBuilder argumentPiece) {
        if (!argumentPiece.isEmpty()) {
            events.add(new Event.Arguments(calls.size(), argumentPiece.toString()));
            argumentPiece.setLength(0);
        }
    }

    private static void text(List<Event> events, String text) {
        if (!text.isEmpty()) {
            events.add(new Event.Text(text));
        }
    }

    /** The length of the longest end of {@code text} that the marker starts with. */
    private static int markerPrefixAtEnd(CharSequence text) {
        String marker = ToolCallFormat.MARKER;
        for (int n = Math.min(marker.length() - 1, text.length()); n > 0; n--) {
            if (marker.startsWith(text.subSequence(text.length() - n, text.length()).toString())) {
                return n;
            }
        }
        return 0;
    }
}
