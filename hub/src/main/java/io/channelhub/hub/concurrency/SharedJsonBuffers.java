package io.channelhub.hub.concurrency;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson's parsers and generators borrow their buffers (a few KiB of {@code char[]} and {@code byte[]}) from a
 * recycler that is, by default, a soft reference in a thread-local. On virtual threads that recycles nothing: every
 * request's thread allocates its own, and a stream's thread keeps them for as long as it lives. 10,000 open streams
 * held about 150 MiB of them in a 1 GiB heap, which then stalled in back-to-back collections (docs/benchmarks.md).
 * One pool for the process serves every thread: it holds as many buffers as were ever in use at once (a few
 * hundred KiB at thousands of requests in flight), not one set per thread that ever ran.
 */
public final class SharedJsonBuffers {

    private SharedJsonBuffers() {
    }

    /** The process's pool: buffers go back to it when a parser or generator closes, whichever thread it ran on. */
    static final RecyclerPool<BufferRecycler> POOL = JsonRecyclerPools.sharedConcurrentDequePool();

    /** Makes {@code factory} borrow its buffers from the process's shared pool; returns it. */
    public static <F extends JsonFactory> F share(F factory) {
        return share(factory, POOL);
    }

    static <F extends JsonFactory> F share(F factory, RecyclerPool<BufferRecycler> pool) {
        factory.setRecyclerPool(pool);
        return factory;
    }

    /** The same for a mapper's factory; returns the mapper. */
    public static <M extends ObjectMapper> M share(M mapper) {
        share(mapper.getFactory());
        return mapper;
    }
}
