package io.channelhub.hub.metering;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage rows of API requests on their way to the database: appended to a segment file in the spool directory
 * before the request is answered, written to the database in batches, and deleted only once committed. A segment
 * left by a process that died (its file lock is free) is adopted and written by the next hub that starts on the
 * directory.
 *
 * <p>Each row is one JSON line, written with one {@code write} call: once it returns, the row is in the operating
 * system's cache and survives the death of the process ({@code kill -9}). The file is forced to the disk every
 * {@code fsyncInterval} (and when a segment is sealed), which bounds what a crash of the machine can lose; an
 * interval of 0 forces every row. Segments are read and written through the one channel that holds their lock: on
 * Linux, closing any other descriptor of a file drops the process's locks on it.
 */
final class UsageSpool {

    private static final Logger LOG = LoggerFactory.getLogger(UsageSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".spool";
    /** Segment files held by some spool in this JVM (several hubs may run in one JVM, in tests). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /** One usage row as it is spooled. */
    record Row(String t, String type, long q, String unit, String p, String ci, String a, String m, String k,
               String at) {
        static Row of(UsageLedger.UsageEvent e, Instant at) {
            return new Row(e.tenantId(), e.usageType(), e.quantity(), e.unit(), e.pluginId(), e.channelInstanceId(),
                    e.agentId(), e.model(), e.idempotencyKey(), at.toString());
        }

        UsageLedger.UsageEvent event() {
            return new UsageLedger.UsageEvent(t, type, q, unit, p, ci, a, m, k);
        }

        Instant instant() {
            return Instant.parse(at);
        }
    }

    /** A segment file, open and locked by this spool until its rows are committed. */
    static final class Segment {
        final Path path;
        final FileChannel channel;
        final FileLock lock;
        long size;
        long rows;

        Segment(Path path, FileChannel channel, FileLock lock, long size) {
            this.path = path;
            this.channel = channel;
            this.lock = lock;
            this.size = size;
        }
    }

    private final Path dir;
    private final boolean forceEveryRow;
    private final AtomicLong corrupt = new AtomicLong();
    private Segment current;
    private boolean dirty;

    UsageSpool(Path dir, Duration fsyncInterval) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.forceEveryRow = fsyncInterval.isZero();
        Files.createDirectories(this.dir);
        current = create();
    }

    Path directory() {
        return dir;
    }

    /** Lines that could not be read back (a row cut short by a crash of the machine). */
    long corruptLines() {
        return corrupt.get();
    }

    private Segment create() throws IOException {
        String name = "usage-" + System.currentTimeMillis() + "-" + io.channelhub.hub.persistence.Ids.randomBase62(10);
        Path fresh = dir.resolve(name + ".new");
        Path path = dir.resolve(name + SUFFIX);
        FileChannel ch = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock = ch.lock();
        HELD.add(path);
        // Locked before it gets the name other hubs look for: none can adopt it between creation and lock.
        Files.move(fresh, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Segment(path, ch, lock, 0);
    }

    /** Appends a row to the current segment; when this returns, a crash of the process cannot lose it. */
    void append(UsageLedger.UsageEvent e, Instant at) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        JSON.writeValue(line, Row.of(e, at));
        line.write('\n');
        write(ByteBuffer.wrap(line.toByteArray()));
    }

    private synchronized void write(ByteBuffer buf) throws IOException {
        long at0 = current.size;
        while (buf.hasRemaining()) {
            at0 += current.channel.write(buf, at0);
        }
        current.size = at0;
        current.rows++;
        if (forceEveryRow) {
            current.channel.force(false);
        } else {
            dirty = true;
        }
    }

    /** Forces the rows appended since the last call to the disk. */
    void force() throws IOException {
        FileChannel ch;
        synchronized (this) {
            if (!dirty) {
                return;
            }
            dirty = false;
            ch = current.channel;
        }
        ch.force(false);
    }

    /** Rows appended to the current segment. */
    synchronized long currentRows() {
        return current.rows;
    }

    /** Closes the current segment for writing to the database (null when it is empty) and starts a new one. */
    Segment seal() throws IOException {
        Segment s;
        synchronized (this) {
            if (current.rows == 0) {
                return null;
            }
            s = current;
            current = create();
            dirty = false;
        }
        // No row is written to it any more; requests go on appending to the new segment meanwhile.
        s.channel.force(false);
        return s;
    }

    /** Segments that hubs which stopped left in the directory: their lock is free, so this spool takes them. */
    List<Segment> adoptOrphans() {
        List<Segment> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : files) {
                Path path = p.toAbsolutePath().normalize();
                if (HELD.contains(path)) {
                    continue;
                }
                FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    ch.close();
                    continue;
                }
                HELD.add(path);
                Segment s = new Segment(path, ch, lock, ch.size());
                out.add(s);
            }
        } catch (IOException e) {
            LOG.warn("Could not look for usage left in {}", dir, e);
        }
        return out;
    }

    /** The rows of a sealed segment; a last line without its end (cut by a crash) is left out. */
    List<Row> read(Segment s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, s.channel.size()));
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = s.channel.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        byte[] bytes = buf.array();
        int len = buf.position();
        List<Row> rows = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (i > start) {
                try {
                    rows.add(JSON.readValue(bytes, start, i - start, Row.class));
                } catch (IOException bad) {
                    corrupt.incrementAndGet();
                    LOG.error("A usage row in {} cannot be read; it is left out", s.path.getFileName());
                }
            }
            start = i + 1;
        }
        return rows;
    }

    /** Deletes a segment whose rows are all committed. */
    void delete(Segment s) {
        try {
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            LOG.error("Could not delete the written usage segment {}; its rows would be written again (they are "
                    + "de-duplicated by key)", s.path.getFileName(), e);
        }
        release(s);
    }

    /** Lets a segment go without deleting it: the next hub on this directory writes it. */
    void release(Segment s) {
        try {
            s.lock.release();
            s.channel.close();
        } catch (IOException e) {
            LOG.warn("Could not close usage segment {}", s.path.getFileName(), e);
        }
        HELD.remove(s.path);
    }

    /** Closes the spool: the current segment is deleted when empty and otherwise left for the next start. */
    synchronized void close() {
        if (current.rows == 0) {
            delete(current);
        } else {
            try {
                current.channel.force(false);
            } catch (IOException e) {
                LOG.warn("Could not force usage segment {}", current.path.getFileName(), e);
            }
            release(current);
        }
    }
}
