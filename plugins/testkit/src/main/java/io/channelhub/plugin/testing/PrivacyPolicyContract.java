package io.channelhub.plugin.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.channelhub.plugin.privacy.PiiDetector;
import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.privacy.RetentionDefaults;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the hub relies on from every privacy policy, as tests a privacy plugin inherits. The hub redacts log lines and
 * stored text with the policy's detectors, answers data subjects' requests within its deadline, and applies its
 * retention; a detector that reports a match outside the text, or overlapping ones, corrupts what the hub redacts.
 */
public abstract class PrivacyPolicyContract {

    /** The policy under test. */
    protected abstract PrivacyPolicy policy();

    /** For each detector type, a text holding exactly one occurrence of that kind of personal data. */
    protected abstract Map<String, String> oneOfEachType();

    /** A text with no personal data in it (but digits, an at sign and dots, to tempt the detectors). */
    protected String clean() {
        return "Pedido 2026-11-05 às 10:30, versão 3.2.1, total 99.00 - responda @suporte na página.";
    }

    @Test
    void itNamesItsJurisdictionADeadlineAndJsonExport() {
        PrivacyPolicy p = policy();
        assertTrue(p.jurisdiction() != null && !p.jurisdiction().isBlank(), "a jurisdiction");
        assertTrue(p.requestDeadlineDays() > 0 && p.requestDeadlineDays() <= 90,
                "a deadline in days, 1 to 90: " + p.requestDeadlineDays());
        assertTrue(p.exportFormats().contains("json"), "data subjects can always get their data as json");
    }

    @Test
    void retentionPeriodsArePositive() {
        RetentionDefaults r = policy().retentionDefaults();
        assertNotNull(r, "retention defaults (empty keeps everything until deleted)");
        for (Map.Entry<RetentionDefaults.DataCategory, Duration> e : r.periods().entrySet()) {
            assertTrue(e.getValue() != null && !e.getValue().isNegative() && !e.getValue().isZero(),
                    e.getKey() + " is kept for a positive period");
        }
    }

    @Test
    void everyDetectorHasItsOwnTypeAndASample() {
        Set<String> types = new HashSet<>();
        for (PiiDetector d : policy().detectors()) {
            assertTrue(d.type() != null && !d.type().isBlank(), "a type");
            assertTrue(types.add(d.type()), "one detector per type: " + d.type());
        }
        assertEquals(types, oneOfEachType().keySet(), "a sample for each detector type, and only those");
    }

    @Test
    void eachDetectorFindsItsSampleOnceWithinTheText() {
        Map<String, String> samples = oneOfEachType();
        for (PiiDetector d : policy().detectors()) {
            String text = samples.get(d.type());
            List<PiiDetector.PiiMatch> found = d.find(text);
            assertEquals(1, found.size(), d.type() + " in \"" + text + "\": " + found);
            PiiDetector.PiiMatch m = found.get(0);
            assertEquals(d.type(), m.type(), "a match names its detector's type");
            assertTrue(0 <= m.start() && m.start() < m.end() && m.end() <= text.length(), "within the text: " + m);
            assertEquals(found, d.find(text), d.type() + " is pure: the same text, the same matches");
        }
    }

    @Test
    void matchesAreInTextOrderAndDoNotOverlap() {
        String all = String.join(" | ", oneOfEachType().values());
        for (PiiDetector d : policy().detectors()) {
            List<PiiDetector.PiiMatch> found = d.find(all + " | " + all);
            assertFalse(found.isEmpty(), d.type() + " finds its sample among the others");
            for (int i = 1; i < found.size(); i++) {
                assertTrue(found.get(i - 1).end() <= found.get(i).start(), d.type() + ": in order, apart: " + found);
            }
        }
    }

    @Test
    void nothingIsFoundInACleanText() {
        for (PiiDetector d : policy().detectors()) {
            assertTrue(d.find(clean()).isEmpty(), d.type() + " finds nothing in \"" + clean() + "\": "
                    + d.find(clean()));
        }
    }
}
