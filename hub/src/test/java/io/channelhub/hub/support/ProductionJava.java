package io.channelhub.hub.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Java runtime production runs on: 21 or later, where the hub's requests and workers run on virtual threads.
 * The build and its unit tests run on the machine's default Java (17); tests of the production mode start the
 * packaged hub on this one. Named by {@code -Dchannelhub.productionJava} or {@code CHANNELHUB_PRODUCTION_JAVA} (a
 * JDK home or its java), else the running Java when it is new enough, else the newest JDK installed beside it.
 * Not finding one fails the test that needs it: every machine of this kind has one, and CI must not pass by
 * skipping the production mode.
 */
public final class ProductionJava {

    private static final int MINIMUM = 21;
    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private ProductionJava() {
    }

    /** The java executable. */
    public static Path executable() {
        String named = System.getProperty("channelhub.productionJava", System.getenv("CHANNELHUB_PRODUCTION_JAVA"));
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isDirectory(p) ? p.resolve("bin/java") : p;
        }
        Path current = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= MINIMUM) {
            return current.resolve("bin/java");
        }
        List<Path> places = new ArrayList<>();
        places.add(current.getParent());
        Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).map(Path::getParent).ifPresent(places::add);
        Path best = null;
        int bestVersion = 0;
        for (Path place : places) {
            if (place == null || !Files.isDirectory(place)) {
                continue;
            }
            try (Stream<Path> homes = Files.list(place)) {
                for (Path home : homes.sorted(Comparator.naturalOrder()).toList()) {
                    int v = version(home);
                    if (v >= MINIMUM && v > bestVersion && Files.isExecutable(home.resolve("bin/java"))) {
                        best = home;
                        bestVersion = v;
                    }
                }
            } catch (IOException e) {
                // an unreadable place has none
            }
        }
        if (best == null) {
            throw new AssertionError("No Java " + MINIMUM + "+ runtime found beside " + current + ": production runs"
                    + " the hub on virtual threads, and this test runs it that way. Install one (the machine's"
                    + " Temurin 25) or name it with CHANNELHUB_PRODUCTION_JAVA.");
        }
        return best.resolve("bin/java");
    }

    private static int version(Path home) {
        try {
            Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
