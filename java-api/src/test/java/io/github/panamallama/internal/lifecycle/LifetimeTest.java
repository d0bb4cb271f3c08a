package io.github.panamallama.internal.lifecycle;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LifetimeTest {
    /** A fake native object: counts frees through the arena cleanup, like a real handle. */
    private static AtomicInteger attachFree(Lifetime lifetime) {
        AtomicInteger frees = new AtomicInteger();
        MemorySegment.ofAddress(0x1000).reinterpret(lifetime.arena(), ignored -> frees.incrementAndGet());
        return frees;
    }

    @Test
    void ownerCloseFreesOnce() {
        Lifetime lifetime = new Lifetime("Thing");
        AtomicInteger frees = attachFree(lifetime);
        lifetime.close();
        lifetime.close();
        lifetime.run(); // the Cleaner after an explicit close: nothing more
        assertEquals(1, frees.get());
        assertTrue(lifetime.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, lifetime::checkOpen);
        assertEquals("Thing is closed", e.getMessage());
        assertThrows(IllegalStateException.class, lifetime::acquire);
    }

    @Test
    void childDefersTheParentsFree() {
        Lifetime parent = new Lifetime("Parent");
        AtomicInteger parentFrees = attachFree(parent);
        parent.acquire();
        Lifetime child = new Lifetime("Child", List.of(parent));
        AtomicInteger childFrees = attachFree(child);
        parent.close();
        assertEquals(0, parentFrees.get(), "the child still holds the parent");
        assertThrows(IllegalStateException.class, parent::acquire, "no new children after close");
        child.close();
        assertEquals(1, childFrees.get());
        assertEquals(1, parentFrees.get());
    }

    @Test
    void callHoldDefersFree() {
        Lifetime lifetime = new Lifetime("Thing");
        AtomicInteger frees = attachFree(lifetime);
        lifetime.acquire(); // a call in flight on another thread
        lifetime.close();
        assertEquals(0, frees.get());
        lifetime.release();
        assertEquals(1, frees.get());
    }
}
