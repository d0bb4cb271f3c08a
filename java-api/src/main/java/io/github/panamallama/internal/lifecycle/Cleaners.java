package io.github.panamallama.internal.lifecycle;

import java.lang.ref.Cleaner;

/** The one Cleaner thread for the library: a safety net for objects never closed. */
public final class Cleaners {
    private static final Cleaner CLEANER = Cleaner.create();

    private Cleaners() {}

    public static Cleaner.Cleanable register(Object owner, Lifetime lifetime) {
        return CLEANER.register(owner, lifetime);
    }
}
