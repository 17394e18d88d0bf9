package io.channelhub.hub.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes Server-Sent Events and heartbeats to one response. A failed write means the client is gone: the writer
 * then runs the cancel action once, which stops the model call.
 */
public final class SseWriter implements AutoCloseable {

    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private final OutputStream out;
    private final ObjectMapper json;
    private final ScheduledFuture<?> heartbeat;
    private volatile boolean closed;
    private volatile Runnable onDisconnect = () -> { };

    public SseWriter(OutputStream out, ObjectMapper json, long heartbeatMillis) {
        this.out = out;
        this.json = json;
        this.heartbeat = HEARTBEATS.scheduleAtFixedRate(() -> write(": heartbeat\n\n"), heartbeatMillis,
                heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    public void onDisconnect(Runnable action) {
        this.onDisconnect = action;
        if (closed) {
            action.run();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public void event(String name, Object data) {
        try {
            write("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void write(String text) {
        if (closed) {
            return;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            closed = true;
            heartbeat.cancel(false);
            onDisconnect.run();
        }
    }

    @Override
    public void close() {
        heartbeat.cancel(false);
    }
}
