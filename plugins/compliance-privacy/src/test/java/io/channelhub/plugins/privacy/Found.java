package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.privacy.PiiDetector;
import io.channelhub.plugin.privacy.PiiDetector.PiiMatch;
import java.util.List;

/** What a detector reports in a text, as the reported substrings, after checking the contract every match keeps. */
final class Found {

    private Found() {
    }

    static List<String> in(PiiDetector detector, String text) {
        List<PiiMatch> matches = detector.find(text);
        int previousEnd = 0;
        for (PiiMatch match : matches) {
            assertThat(match.type()).isEqualTo(detector.type());
            assertThat(match.start()).as("in text order, not overlapping").isGreaterThanOrEqualTo(previousEnd);
            assertThat(match.end()).isGreaterThan(match.start()).isLessThanOrEqualTo(text.length());
            previousEnd = match.end();
        }
        return matches.stream().map(match -> text.substring(match.start(), match.end())).toList();
    }
}
