import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;

/**
 * The waits of a recording's last seconds, by kind and by the first frames outside the JDK: where a turn waited.
 *
 *   java bench/jfr/Waits.java RECORDING.jfr WINDOW_SECONDS [FRAMES]
 *
 * The window ends 3 s before the recording does (the hub stops a few seconds after the overhead scenario's open loop).
 * Waits appear only above the recording's thresholds: record with park, socket and file thresholds lowered (1 ms in
 * docs/benchmarks.md, eighth pass) and platform threads (JFR does not record a virtual thread's park). Java 17+.
 */
public class Waits {
    public static void main(String[] a) throws Exception {
        Path p = Path.of(a[0]);
        double windowSec = Double.parseDouble(a[1]);
        int depth = a.length > 2 ? Integer.parseInt(a[2]) : 6;
        Instant end = Instant.MIN;
        try (RecordingFile f = new RecordingFile(p)) {
            while (f.hasMoreEvents()) { RecordedEvent e = f.readEvent(); if (e.getEndTime().isAfter(end)) end = e.getEndTime(); }
        }
        // the hub stops a few seconds after the phase: window = [end - 3 - window, end - 3]
        Instant to = end.minusSeconds(3), from = to.minusMillis((long) (windowSec * 1000));
        Map<String, long[]> agg = new HashMap<>();
        Map<String, long[]> byType = new TreeMap<>();
        try (RecordingFile f = new RecordingFile(p)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String t = e.getEventType().getName();
                if (!(t.contains("Park") || t.contains("Socket") || t.contains("Monitor") || t.startsWith("jdk.File"))) continue;
                if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) continue;
                long d = e.getDuration().toNanos();
                byType.computeIfAbsent(t, k -> new long[2])[0] += d; byType.get(t)[1]++;
                StringBuilder key = new StringBuilder(t.replace("jdk.", "")).append(" @ ");
                RecordedThread th = e.getThread();
                key.append(th == null ? "?" : th.getJavaName() == null ? "?" : th.getJavaName().replaceAll("\\d+", "#")).append(" | ");
                RecordedStackTrace st = e.getStackTrace();
                if (st != null) {
                    int n = 0;
                    for (RecordedFrame fr : st.getFrames()) {
                        String m = fr.getMethod().getType().getName();
                        if (m.startsWith("java.") || m.startsWith("jdk.") || m.startsWith("sun.")) continue;
                        key.append(m.substring(m.lastIndexOf('.') + 1)).append('.').append(fr.getMethod().getName()).append(" < ");
                        if (++n >= depth) break;
                    }
                }
                long[] v = agg.computeIfAbsent(key.toString(), k -> new long[2]);
                v[0] += d; v[1]++;
            }
        }
        System.out.printf("window %s .. %s%n", from, to);
        byType.forEach((k, v) -> System.out.printf("%-25s total %8.1f ms/s  n=%d%n", k, v[0] / 1e6 / windowSec, v[1]));
        agg.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).limit(Integer.parseInt(System.getProperty("top", "40")))
            .forEach(en -> System.out.printf("%9.1f ms/s n=%6d avg %6.2f ms  %s%n", en.getValue()[0] / 1e6 / windowSec, en.getValue()[1], en.getValue()[0] / 1e6 / en.getValue()[1], en.getKey()));
    }
}
