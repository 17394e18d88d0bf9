import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;

/**
 * Where a recording's execution samples went in its last SECONDS (the measured phase, which bench/run ends the hub
 * right after): by owner (the first frame outside the JDK, so that a HashMap lookup counts for the library that
 * made it), and inclusively by the hub's own methods (a method's share is the samples with it anywhere on the
 * stack: where a turn's time goes from the hub's point of view).
 *
 *   java bench/jfr/Hot.java RECORDING.jfr SECONDS [TOP]
 *
 * Samples, not CPU time: JFR samples a few running threads each period, so the shares are what counts.
 */
public class Hot {
    static final String[][] OWNERS = {
        {"org.h2.", "H2"}, {"org.jdbi.", "Jdbi"}, {"org.glassfish.jersey.", "Jersey"}, {"org.glassfish.hk2.", "HK2"},
        {"org.jvnet.hk2.", "HK2"}, {"org.eclipse.jetty.", "Jetty"}, {"com.fasterxml.jackson.", "Jackson"},
        {"io.channelhub.", "hub"}, {"org.apache.tomcat.jdbc.", "pool"}, {"com.zaxxer.", "pool"},
        {"io.dropwizard.", "Dropwizard"}, {"com.codahale.metrics.", "metrics"}, {"io.opentelemetry.", "OpenTelemetry"},
        {"io.prometheus.", "Prometheus"}, {"org.mariadb.", "MariaDB driver"}, {"redis.clients.", "Jedis"},
        {"org.hibernate.validator.", "Hibernate Validator"}, {"ch.qos.logback.", "Logback"}, {"org.slf4j.", "Logback"},
        {"io.github.resilience4j.", "resilience4j"}, {"jakarta.", "Jakarta APIs"},
    };

    static boolean jdk(String cls) {
        return cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.") || cls.startsWith("javax.");
    }

    static String owner(String cls) {
        for (String[] o : OWNERS) if (cls.startsWith(o[0])) return o[1];
        return cls.contains(".") ? cls.substring(0, cls.lastIndexOf('.')) : cls;
    }

    public static void main(String[] a) throws Exception {
        Path p = Path.of(a[0]);
        double seconds = Double.parseDouble(a[1]);
        int top = a.length > 2 ? Integer.parseInt(a[2]) : 40;
        Instant end = Instant.MIN;
        try (RecordingFile f = new RecordingFile(p)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStartTime().isAfter(end)) end = e.getStartTime();
            }
        }
        Instant from = end.minusMillis((long) (seconds * 1000));
        Map<String, Integer> owners = new HashMap<>(), hub = new HashMap<>(), jdkSelf = new HashMap<>(), self = new HashMap<>();
        int total = 0;
        try (RecordingFile f = new RecordingFile(p)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStartTime().isBefore(from)) continue;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) continue;
                total++;
                List<RecordedFrame> frames = st.getFrames();
                String first = frames.get(0).getMethod().getType().getName();
                self.merge(first + "." + frames.get(0).getMethod().getName(), 1, Integer::sum);
                String own = "JDK alone";
                for (RecordedFrame fr : frames) {
                    String cls = fr.getMethod().getType().getName();
                    if (!jdk(cls)) { own = owner(cls); break; }
                }
                owners.merge(own, 1, Integer::sum);
                if (jdk(first)) jdkSelf.merge(owner(first), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame fr : frames) {
                    String cls = fr.getMethod().getType().getName();
                    if (!cls.startsWith("io.channelhub.")) continue;
                    String m = cls.substring("io.channelhub.hub.".length() > cls.length() ? 0 : cls.lastIndexOf('.', cls.lastIndexOf('.') - 1) + 1)
                            + "." + fr.getMethod().getName();
                    if (seen.add(m)) hub.merge(m, 1, Integer::sum);
                }
            }
        }
        System.out.printf("%d samples in the last %.0f s%n", total, seconds);
        print("-- by owner (first frame outside the JDK), self", owners, total, top);
        print("-- the JDK's own frames, by package", jdkSelf, total, 15);
        print("-- hottest frames, self", self, total, 25);
        print("-- the hub's methods, inclusive", hub, total, top);
    }

    static void print(String title, Map<String, Integer> m, int total, int top) {
        System.out.println(title);
        m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(top)
            .forEach(en -> System.out.printf("%6.1f%%  %s%n", 100.0 * en.getValue() / total, en.getKey()));
    }
}
