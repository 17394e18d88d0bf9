import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;

/**
 * Execution samples a turn in two windows of one recording (the overhead scenario's open loop at half the rate, and
 * the closed loop at the maximum before it), by thread and by the frame that ran, largest increase first.
 *
 *   java bench/jfr/Cpu.java RECORDING.jfr END_OFFSET HALF_SECONDS GAP MAX_SECONDS TURNS_HALF TURNS_MAX
 *
 * Java 21+ (virtual threads are told apart). Samples are not CPU time: JFR samples a few threads each period.
 */
public class Cpu {
    public static void main(String[] a) throws Exception {
        Path p = Path.of(a[0]);
        Instant end = Instant.MIN;
        try (RecordingFile f = new RecordingFile(p)) {
            while (f.hasMoreEvents()) { RecordedEvent e = f.readEvent(); if (e.getEndTime().isAfter(end)) end = e.getEndTime(); }
        }
        double off = Double.parseDouble(a[1]), hs = Double.parseDouble(a[2]), gap = Double.parseDouble(a[3]), ms = Double.parseDouble(a[4]);
        double th = Double.parseDouble(a[5]), tm = Double.parseDouble(a[6]);
        Instant hTo = end.minusMillis((long) (off * 1000)), hFrom = hTo.minusMillis((long) (hs * 1000));
        Instant mTo = hFrom.minusMillis((long) (gap * 1000)), mFrom = mTo.minusMillis((long) (ms * 1000));
        Map<String, double[]> self = new HashMap<>(), thr = new HashMap<>();
        double[] tot = new double[2];
        try (RecordingFile f = new RecordingFile(p)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                Instant t = e.getStartTime();
                int w = (!t.isBefore(hFrom) && t.isBefore(hTo)) ? 0 : (!t.isBefore(mFrom) && t.isBefore(mTo)) ? 1 : -1;
                if (w < 0) continue;
                double per = w == 0 ? 1.0 / th : 1.0 / tm;
                tot[w] += per;
                RecordedStackTrace st = e.getStackTrace();
                String top = "?";
                if (st != null && !st.getFrames().isEmpty()) {
                    RecordedFrame fr = st.getFrames().get(0);
                    top = fr.getMethod().getType().getName() + "." + fr.getMethod().getName();
                }
                self.computeIfAbsent(top, k -> new double[2])[w] += per;
                RecordedThread rt = e.getThread();
                String tn = rt == null ? "?" : (rt.isVirtual() ? "virtual" : String.valueOf(rt.getJavaName()).replaceAll("\\d+", "#"));
                thr.computeIfAbsent(tn, k -> new double[2])[w] += per;
            }
        }
        System.out.printf("samples per turn: half %.3f  max %.3f%n", tot[0], tot[1]);
        System.out.println("-- by thread (half, max per turn)");
        thr.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0])).limit(12)
            .forEach(en -> System.out.printf("%8.4f %8.4f  %s%n", en.getValue()[0], en.getValue()[1], en.getKey()));
        System.out.println("-- by self frame, largest increase half vs max");
        self.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0] - y.getValue()[1], x.getValue()[0] - x.getValue()[1])).limit(30)
            .forEach(en -> System.out.printf("%8.4f %8.4f  %s%n", en.getValue()[0], en.getValue()[1], en.getKey()));
    }
}
