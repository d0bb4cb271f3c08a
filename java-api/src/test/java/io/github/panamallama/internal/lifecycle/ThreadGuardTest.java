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

    @Test
    void aClosedLifetimeIsRefusedButExclusiveRunsStillWork() {
        Lifetime lifetime = new Lifetime("Widget");
        ThreadGuard guard = new ThreadGuard("Widget", lifetime);
        assertEquals(7, guard.callInt(() -> 7));
        lifetime.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> guard.run(() -> {}));
        assertEquals("Widget is closed", e.getMessage());
        boolean[] ran = {false};
        guard.runExclusive(() -> ran[0] = true);
        assertTrue(ran[0]);
    }

    @Test
    void aHolderAloneMayEnterUntilItLetsGo() {
        ThreadGuard guard = new ThreadGuard("Widget", new Lifetime("Widget"));
        Object stream = new StringBuilder();
        guard.hold(stream);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> guard.call(() -> 1));
        assertEquals("a StringBuilder is open on this Widget; close it first", refused.getMessage());
        int[] steps = {0};
        guard.runAs(stream, () -> steps[0]++);
        assertEquals(1, steps[0]);
        IllegalStateException stranger = assertThrows(IllegalStateException.class,
                () -> guard.runAs(new StringBuilder(), () -> steps[0]++));
        assertEquals("this StringBuilder is closed", stranger.getMessage());
        guard.release(stream);
        guard.release(stream);
        assertEquals("ok", guard.call(() -> "ok"));
        assertThrows(IllegalStateException.class, () -> guard.runAs(stream, () -> steps[0]++));
        assertEquals(1, steps[0]);
    }

    @Test
    void aFailingActionLeavesTheGuardFree() {
        ThreadGuard guard = new ThreadGuard("Widget");
        assertThrows(ArithmeticException.class, () -> guard.callInt(() -> 1 / 0));
        assertEquals(2, guard.callInt(() -> 2));
    }
}
