package io.github.panamallama.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadGuardTest {
    @Test
    void secondThreadIsRefusedWithTheUsersName() throws Exception {
        ThreadGuard guard = new ThreadGuard("Widget");
        guard.enter();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread other = Thread.ofPlatform().name("other-thread").start(() -> {
            try {
                guard.enter();
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        other.join();
        assertInstanceOf(IllegalStateException.class, seen.get());
        assertTrue(seen.get().getMessage().startsWith("Widget is in use by thread " + Thread.currentThread().getName()),
                seen.get().getMessage());
        guard.exit();
        Thread again = Thread.ofPlatform().start(() -> {
            guard.enter();
            guard.exit();
        });
        again.join();
    }

    @Test
    void reentryIsRefused() {
        ThreadGuard guard = new ThreadGuard("Widget");
        guard.enter();
        IllegalStateException e = assertThrows(IllegalStateException.class, guard::enter);
        assertTrue(e.getMessage().contains("from inside one of its own operations"), e.getMessage());
        guard.exit();
    }
}
