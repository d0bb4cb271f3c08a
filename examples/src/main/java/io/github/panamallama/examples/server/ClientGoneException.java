package io.github.panamallama.examples.server;

/** Thrown where a request finds its client gone: there is no one left to answer, so nothing is sent. */
final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
        super("the client disconnected", null, false, false);
    }
}
