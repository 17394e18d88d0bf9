package io.channelhub.hub.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in text: what the detectors of the tenant's privacy policy and its own patterns find is
 * masked ({@code [cpf]}), hashed ({@code [cpf:3f9a…]}, the same value always giving the same token, so redacted
 * text can still be correlated) or dropped. Overlapping finds are resolved in favour of the one that starts first,
 * then the longer one.
 */
public final class Redactor {

    /** What to do with a find. */
    public enum Mode { OFF, MASK, HASH, DROP }

    /** The redacted text and how many finds of each kind it had. */
    public record Result(String text, Map<String, Integer> counts) {
    }

    /** A tenant's own pattern: a name and a regular expression. */
    public record CustomPattern(String name, Pattern pattern) {
    }

    /** The longest a custom pattern may run on one text before it is given up (a guard against runaway regexes). */
    static final long PATTERN_BUDGET_NANOS = 50_000_000L;

    private final List<PiiDetector> detectors;
    private final List<CustomPattern> custom;
    private final java.util.Set<String> kept;
    private final String salt;

    public Redactor(List<PiiDetector> detectors, List<CustomPattern> custom, String salt) {
        this(detectors, custom, salt, java.util.Set.of());
    }

    /** The same, leaving {@code kept} values as they are wherever a detector finds them (the hub's own hosts). */
    public Redactor(List<PiiDetector> detectors, List<CustomPattern> custom, String salt, java.util.Set<String> kept) {
        this.detectors = List.copyOf(detectors);
        this.custom = List.copyOf(custom);
        this.salt = salt;
        this.kept = java.util.Set.copyOf(kept);
    }

    public Result apply(String text, Mode mode) {
        if (text == null || text.isEmpty() || mode == Mode.OFF) {
            return new Result(text, Map.of());
        }
        List<PiiDetector.PiiMatch> finds = new ArrayList<>();
        for (PiiDetector d : detectors) {
            finds.addAll(d.find(text));
        }
        for (CustomPattern p : custom) {
            Matcher m = p.pattern().matcher(new Budgeted(text, System.nanoTime() + PATTERN_BUDGET_NANOS));
            try {
                while (m.find()) {
                    if (m.end() > m.start()) {
                        finds.add(new PiiDetector.PiiMatch(p.name(), m.start(), m.end()));
                    }
                }
            } catch (Budgeted.OverBudget e) {
                // A pattern that takes this long on one message is broken; what it found so far stays found.
            }
        }
        finds.sort(Comparator.comparingInt(PiiDetector.PiiMatch::start)
                .thenComparing(Comparator.comparingInt((PiiDetector.PiiMatch m) -> m.end() - m.start()).reversed()));
        StringBuilder out = new StringBuilder(text.length());
        Map<String, Integer> counts = new LinkedHashMap<>();
        int at = 0;
        for (PiiDetector.PiiMatch m : finds) {
            if (m.start() < at || m.start() < 0 || m.end() > text.length()) {
                continue;
            }
            String value = text.substring(m.start(), m.end());
            if (kept.contains(value)) {
                continue;
            }
            out.append(text, at, m.start());
            switch (mode) {
                case MASK -> out.append('[').append(m.type()).append(']');
                case HASH -> out.append('[').append(m.type()).append(':').append(hash(value)).append(']');
                default -> {
                }
            }
            counts.merge(m.type(), 1, Integer::sum);
            at = m.end();
        }
        out.append(text, at, text.length());
        return new Result(out.toString(), counts);
    }

    private String hash(String value) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(value.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A text that stops a regex when its time is up: {@code charAt} is where every match attempt passes. */
    static final class Budgeted implements CharSequence {
        private final CharSequence inner;
        private final long deadline;
        private int calls;

        Budgeted(CharSequence inner, long deadline) {
            this.inner = inner;
            this.deadline = deadline;
        }

        @Override
        public char charAt(int index) {
            if ((++calls & 0x3FF) == 0 && System.nanoTime() > deadline) {
                throw new OverBudget();
            }
            return inner.charAt(index);
        }

        @Override
        public int length() {
            return inner.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(inner.subSequence(start, end), deadline);
        }

        @Override
        public String toString() {
            return inner.toString();
        }

        static final class OverBudget extends RuntimeException {
            private static final long serialVersionUID = 1L;

            OverBudget() {
                super(null, null, false, false);
            }
        }
    }
}
