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
import java.util.concurrent.TimeUnit;
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
 *
 * <p>One platform thread of the spool writes: requests hand it their lines and wait until they are written, and it
 * writes whatever has queued meanwhile with one {@code write} call (and one force, when every row is forced). Each
 * request wrote its own line under the spool's monitor before; with thousands of virtual threads on two busy
 * carriers the monitor kept passing to threads that then waited for a carrier, the background writer (which takes
 * the same monitor to seal a segment) waited behind them, and so did every turn that needed a quota counter seeded
 * from the ledger (docs/benchmarks.md, 10,000 streams).
 */
final class UsageSpool {

    private static final Logger LOG = LoggerFactory.getLogger(UsageSpool.class);
    private static final ObjectMapper JSON =
            io.channelhub.hub.concurrency.SharedJsonBuffers.share(new ObjectMapper());
    private static final String SUFFIX = ".spool";
    /** What a reader holds in memory at once; a row is a few hundred bytes. */
    static final int CHUNK = 64 * 1024;
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
        /** Where the rows already committed to the database end (in this process; a restart starts again at 0). */
        long committed;

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
    private final long maxSegmentBytes;
    private Segment current;
    /** Segments closed because they reached the size limit, oldest first, until the writer takes them. */
    private final java.util.ArrayDeque<Segment> full = new java.util.ArrayDeque<>();
    private boolean dirty;
    private final java.util.concurrent.LinkedBlockingQueue<Lines> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread appender;
    private volatile boolean closed;

    UsageSpool(Path dir, Duration fsyncInterval) throws IOException {
        this(dir, fsyncInterval, Long.MAX_VALUE);
    }

    UsageSpool(Path dir, Duration fsyncInterval, long maxSegmentBytes) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.forceEveryRow = fsyncInterval.isZero();
        this.maxSegmentBytes = maxSegmentBytes;
        Files.createDirectories(this.dir);
        current = create();
        appender = new Thread(this::appendLoop, "usage-spool-append");
        appender.setDaemon(true);
        appender.start();
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
        syncDirectory();
        return new Segment(path, ch, lock, 0);
    }

    /**
     * Makes a segment's name durable: after a crash of the machine a file whose rows were forced is found again (and
     * a deleted one is not written twice). Where directories cannot be opened (not Linux) the file system decides.
     */
    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }
    }

    /** Appends a row to the current segment; when this returns, a crash of the process cannot lose it. */
    void append(UsageLedger.UsageEvent e, Instant at) throws IOException {
        appendAll(List.of(e), at);
    }

    /** Appends rows (one piece of work's) to the current segment together; as {@link #append}. */
    void appendAll(List<UsageLedger.UsageEvent> events, Instant at) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream(256 * events.size());
        for (UsageLedger.UsageEvent e : events) {
            JSON.writeValue(lines, Row.of(e, at));
            lines.write('\n');
        }
        Lines pending = new Lines(lines.toByteArray(), events.size());
        queue.add(pending);
        if (closed && queue.remove(pending)) {
            throw new IOException("the usage spool is closed");
        }
        if (!appender.isAlive() && queue.remove(pending)) {
            throw new IOException("the usage spool's appender has stopped");
        }
        try {
            pending.written.get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while spooling usage");
        } catch (java.util.concurrent.ExecutionException ee) {
            throw ee.getCause() instanceof IOException io ? io : new IOException(ee.getCause());
        }
    }

    /** Rows of one append, waiting for the appender thread. */
    private static final class Lines {
        final byte[] bytes;
        final int rows;
        final java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();

        Lines(byte[] bytes, int rows) {
            this.bytes = bytes;
            this.rows = rows;
        }
    }

    private static final Lines STOP = new Lines(new byte[0], 0);

    /**
     * The appender thread: takes what has queued, writes it with one call, tells the waiting requests. However it
     * ends, nothing queued is left waiting (appends then fail and the ledger writes their rows at once).
     */
    private void appendLoop() {
        try {
            appendUntilStopped();
        } finally {
            for (Lines left; (left = queue.poll()) != null; ) {
                left.written.completeExceptionally(new IOException("the usage spool's appender has stopped"));
            }
        }
    }

    private void appendUntilStopped() {
        List<Lines> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, 4_095);
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty()) {
                IOException failure = null;
                try {
                    write(batch);
                } catch (IOException | RuntimeException | Error e) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                }
                for (Lines l : batch) {
                    if (failure == null) {
                        l.written.complete(null);
                    } else {
                        l.written.completeExceptionally(failure);
                    }
                }
                batch.clear();
            }
            if (stop) {
                return;
            }
        }
    }

    private void write(List<Lines> batch) throws IOException {
        int size = 0;
        int rows = 0;
        for (Lines l : batch) {
            size += l.bytes.length;
            rows += l.rows;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        batch.forEach(l -> buf.put(l.bytes));
        buf.flip();
        write(buf, rows);
    }

    private synchronized void write(ByteBuffer buf, int rows) throws IOException {
        long at0 = current.size;
        try {
            while (buf.hasRemaining()) {
                at0 += current.channel.write(buf, at0);
            }
        } catch (IOException e) {
            // A batch written in part would leave its first rows to be read back with the segment although their
            // requests were told they failed (and wrote them at once).
            try {
                current.channel.truncate(current.size);
            } catch (IOException truncating) {
                e.addSuppressed(truncating);
            }
            throw e;
        }
        current.size = at0;
        current.rows += rows;
        if (forceEveryRow) {
            current.channel.force(false);
        } else {
            dirty = true;
        }
        if (current.size >= maxSegmentBytes) {
            // Rotated here, on the appending thread, so that a writer stuck on an unreachable database cannot let
            // a file grow without bound.
            Segment next;
            try {
                next = create();
            } catch (IOException e) {
                LOG.warn("Could not start a new usage segment in {}; the current one grows", dir, e);
                return;
            }
            full.add(current);
            current = next;
        }
    }

    /** The oldest segment closed at the size limit, forced to the disk; null when there is none. */
    Segment takeFull() throws IOException {
        Segment s;
        synchronized (this) {
            s = full.poll();
        }
        if (s != null) {
            s.channel.force(false);
        }
        return s;
    }

    /** Forces the rows appended since the last call to the disk. */
    void force() throws IOException {
        List<FileChannel> channels = new ArrayList<>();
        synchronized (this) {
            if (!dirty) {
                return;
            }
            dirty = false;
            full.forEach(f -> channels.add(f.channel));
            channels.add(current.channel);
        }
        for (FileChannel ch : channels) {
            try {
                ch.force(false);
            } catch (java.nio.channels.ClosedChannelException written) {
                // taken, written and deleted meanwhile
            }
        }
    }

    /** Rows appended and not yet handed to the writer: the current segment's and those of full ones. */
    synchronized long currentRows() {
        long n = current.rows;
        for (Segment f : full) {
            n += f.rows;
        }
        return n;
    }

    /** Bytes of every segment in the directory (this spool's, and ones left to adopt); -1 when it cannot be read. */
    long bytesOnDisk() {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : files) {
                try {
                    total += Files.size(p);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // written and deleted meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** Bytes the spool's file system still has for it; -1 when it cannot be read. */
    long usableSpace() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
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

    /** Reads a sealed segment from {@code offset} on; see {@link Reader}. */
    Reader reader(Segment s, long offset) {
        return new Reader(s, offset);
    }

    /** All rows of a sealed segment (tests and small segments); the writer streams with {@link #reader}. */
    List<Row> read(Segment s) throws IOException {
        List<Row> out = new ArrayList<>();
        Reader r = reader(s, 0);
        for (List<Row> rows = r.next(1024); !rows.isEmpty(); rows = r.next(1024)) {
            out.addAll(rows);
        }
        return out;
    }

    /** The complete lines of a segment: what {@link Reader} gives, without parsing them. */
    long countRows(Segment s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long rows = 0;
        long pos = 0;
        for (int n = s.channel.read(buf, pos); n > 0; n = s.channel.read(buf.clear(), pos)) {
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n') {
                    rows++;
                }
            }
            pos += n;
        }
        return rows;
    }

    /**
     * Streams a segment's rows in groups, with the memory of one chunk whatever the file's size. {@link #offset()}
     * is where the rows given so far end, so a writer that committed them can resume there. A line too long to be a
     * row, or one that does not parse, is counted and skipped; a last line without its end (cut by a crash of the
     * machine) is counted and left out.
     */
    final class Reader {
        private final Segment segment;
        private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        /** File offset of {@code buf}'s first byte. */
        private long base;
        private boolean eof;
        private boolean skipping;

        private Reader(Segment segment, long offset) {
            this.segment = segment;
            this.base = offset;
            buf.limit(0);
        }

        /** The offset just past the last line given (or skipped). */
        long offset() {
            return base + buf.position();
        }

        /** Up to {@code max} rows; empty at the end of the segment. */
        List<Row> next(int max) throws IOException {
            List<Row> rows = new ArrayList<>();
            while (rows.size() < max) {
                int nl = -1;
                for (int i = buf.position(); i < buf.limit(); i++) {
                    if (buf.get(i) == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0) {
                    if (!fill()) {
                        break;
                    }
                    continue;
                }
                int start = buf.position();
                buf.position(nl + 1);
                if (skipping) {
                    skipping = false;
                } else if (nl > start) {
                    try {
                        rows.add(JSON.readValue(buf.array(), start, nl - start, Row.class));
                    } catch (IOException bad) {
                        unreadable("does not parse");
                    }
                }
            }
            return rows;
        }

        /** Reads more of the file behind what is left in the buffer; false at the end of the file. */
        private boolean fill() throws IOException {
            if (eof) {
                if (buf.hasRemaining() && !skipping) {
                    unreadable("was cut short");
                }
                base += buf.position() + buf.remaining();
                buf.position(0).limit(0);
                return false;
            }
            if (buf.position() == 0 && buf.limit() == buf.capacity()) {
                // A whole chunk without a line end: no row is that long. Skip to the next line end.
                if (!skipping) {
                    unreadable("is too long");
                }
                skipping = true;
                base += buf.limit();
                buf.position(0).limit(0);
            }
            base += buf.position();
            buf.compact();
            int n = segment.channel.read(buf, base + buf.position());
            if (n < 0) {
                eof = true;
            }
            buf.flip();
            return true;
        }

        private void unreadable(String why) {
            corrupt.incrementAndGet();
            LOG.error("A usage row in {} {}; it is left out", segment.path.getFileName(), why);
        }
    }

    /** Deletes a segment whose rows are all committed. */
    void delete(Segment s) {
        try {
            Files.deleteIfExists(s.path);
            syncDirectory();
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

    /**
     * Closes the spool: rows handed in before are written, later ones refused; the current segment is deleted when
     * empty and otherwise left for the next start.
     */
    void close() {
        closed = true;
        queue.add(STOP);
        try {
            appender.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Lines left; (left = queue.poll()) != null; ) {
            left.written.completeExceptionally(new IOException("the usage spool is closed"));
        }
        closeSegments();
    }

    private synchronized void closeSegments() {
        for (Segment f; (f = full.poll()) != null; ) {
            try {
                f.channel.force(false);
            } catch (IOException e) {
                LOG.warn("Could not force usage segment {}", f.path.getFileName(), e);
            }
            release(f);
        }
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
