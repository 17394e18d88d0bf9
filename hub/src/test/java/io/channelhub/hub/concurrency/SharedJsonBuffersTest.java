package io.channelhub.hub.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SharedJsonBuffersTest {

    /** What one thread gives back, the next thread gets: a request's thread no longer allocates its own buffers. */
    @Test
    void buffersReleasedOnOneThreadServeTheNext() throws Exception {
        // A pool of the test's own: the process's is in use by whatever else runs in this JVM.
        JsonFactory shared = SharedJsonBuffers.share(new JsonFactory(), JsonRecyclerPools.newConcurrentDequePool());
        assertThat(borrowedOnTwoThreads(shared)).as("shared pool").isTrue();
        assertThat(SharedJsonBuffers.share(new JsonFactory())._getRecyclerPool()).isSameAs(SharedJsonBuffers.POOL);
        // The default (a thread-local per thread) is what this replaces: each thread its own.
        assertThat(borrowedOnTwoThreads(new JsonFactory())).as("Jackson's default").isFalse();
    }

    private static boolean borrowedOnTwoThreads(JsonFactory f) throws InterruptedException {
        AtomicReference<BufferRecycler> first = new AtomicReference<>();
        AtomicReference<BufferRecycler> second = new AtomicReference<>();
        Thread a = new Thread(() -> {
            BufferRecycler r = f._getBufferRecycler();
            first.set(r);
            r.releaseToPool();
        });
        a.start();
        a.join();
        Thread b = new Thread(() -> second.set(f._getBufferRecycler()));
        b.start();
        b.join();
        return first.get() == second.get();
    }
}
