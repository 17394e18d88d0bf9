package io.channelhub.plugin.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.privacy.PiiDetector;
import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.privacy.RetentionDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The privacy contract passes a policy that keeps it and fails one whose detector misreports. */
class PrivacyPolicyContractTest {

    /** Finds e-mail addresses; {@code shift} moves every match, as an off-by-one bug would. */
    record Emails(int shift) implements PiiDetector {
        @Override
        public String type() {
            return "email";
        }

        @Override
        public List<PiiMatch> find(CharSequence text) {
            List<PiiMatch> out = new ArrayList<>();
            Matcher m = Pattern.compile("[\\w.]+@[\\w.]+\\.\\w+").matcher(text);
            while (m.find()) {
                out.add(new PiiMatch("email", m.start() + shift, m.end() + shift));
            }
            return out;
        }
    }

    static PrivacyPolicyContract contract(PiiDetector detector, int deadline) {
        return new PrivacyPolicyContract() {
            @Override
            protected PrivacyPolicy policy() {
                return new PrivacyPolicy() {
                    @Override
                    public String jurisdiction() {
                        return "XX-TEST";
                    }

                    @Override
                    public int requestDeadlineDays() {
                        return deadline;
                    }

                    @Override
                    public List<PiiDetector> detectors() {
                        return List.of(detector);
                    }

                    @Override
                    public RetentionDefaults retentionDefaults() {
                        return new RetentionDefaults(Map.of());
                    }

                    @Override
                    public Set<String> exportFormats() {
                        return Set.of("json");
                    }
                };
            }

            @Override
            protected Map<String, String> oneOfEachType() {
                return Map.of("email", "write to ana@example.com");
            }
        };
    }

    @Test
    void aPolicyThatKeepsTheContractPassesIt() {
        PrivacyPolicyContract c = contract(new Emails(0), 30);
        assertThatCode(() -> {
            c.itNamesItsJurisdictionADeadlineAndJsonExport();
            c.retentionPeriodsArePositive();
            c.everyDetectorHasItsOwnTypeAndASample();
            c.eachDetectorFindsItsSampleOnceWithinTheText();
            c.matchesAreInTextOrderAndDoNotOverlap();
            c.nothingIsFoundInACleanText();
        }).doesNotThrowAnyException();
    }

    @Test
    void aMatchReachingPastTheTextFails() {
        assertThatThrownBy(contract(new Emails(1), 30)::eachDetectorFindsItsSampleOnceWithinTheText)
                .isInstanceOf(AssertionFailedError.class);
    }

    @Test
    void noDeadlineFails() {
        assertThatThrownBy(contract(new Emails(0), 0)::itNamesItsJurisdictionADeadlineAndJsonExport)
                .isInstanceOf(AssertionFailedError.class);
    }
}
