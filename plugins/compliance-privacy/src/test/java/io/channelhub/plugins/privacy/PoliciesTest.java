package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.privacy.PiiDetector;
import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.privacy.RetentionDefaults.DataCategory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesTest {

    private final PrivacyPolicy lgpd = new LgpdPolicy();
    private final PrivacyPolicy gdpr = new GdprPolicy();

    @Test
    void lgpdAnswersRequestsWithin15Days() {
        assertThat(lgpd.jurisdiction()).isEqualTo("BR-LGPD");
        assertThat(lgpd.requestDeadlineDays()).isEqualTo(15);
    }

    @Test
    void gdprAnswersRequestsWithin30Days() {
        assertThat(gdpr.jurisdiction()).isEqualTo("EU-GDPR");
        assertThat(gdpr.requestDeadlineDays()).isEqualTo(30);
    }

    @Test
    void bothExportJsonAndCsv() {
        assertThat(lgpd.exportFormats()).containsExactlyInAnyOrder("json", "csv");
        assertThat(gdpr.exportFormats()).containsExactlyInAnyOrder("json", "csv");
    }

    @Test
    void lgpdKeepsUsageForTheTaxAuthoritysFiveYearsFromTheNextJanuary() {
        var retention = lgpd.retentionDefaults();
        assertThat(retention.period(DataCategory.CONVERSATIONS)).contains(Duration.ofDays(365));
        assertThat(retention.period(DataCategory.MESSAGES)).contains(Duration.ofDays(365));
        assertThat(retention.period(DataCategory.MEDIA)).contains(Duration.ofDays(180));
        assertThat(retention.period(DataCategory.USAGE_DETAIL)).contains(Duration.ofDays(6 * 365 + 2));
        assertThat(retention.period(DataCategory.AUDIT)).contains(Duration.ofDays(5 * 365 + 2));
    }

    @Test
    void gdprKeepsUsageForTheLongestMemberStateAccountingPeriod() {
        var retention = gdpr.retentionDefaults();
        assertThat(retention.period(DataCategory.CONVERSATIONS)).contains(Duration.ofDays(365));
        assertThat(retention.period(DataCategory.MESSAGES)).contains(Duration.ofDays(365));
        assertThat(retention.period(DataCategory.MEDIA)).contains(Duration.ofDays(180));
        assertThat(retention.period(DataCategory.USAGE_DETAIL)).contains(Duration.ofDays(10 * 365 + 3));
        assertThat(retention.period(DataCategory.AUDIT)).contains(Duration.ofDays(5 * 365 + 2));
    }

    @Test
    void everyCategoryHasADefaultAndMessagesNeverOutliveTheirConversation() {
        for (PrivacyPolicy policy : new PrivacyPolicy[] {lgpd, gdpr}) {
            var retention = policy.retentionDefaults();
            // Knowledge files are the tenant's own documents (price lists, manuals), not records about a person:
            // kept until deleted unless the tenant sets a period.
            assertThat(retention.periods().keySet()).containsExactlyInAnyOrder(java.util.Arrays.stream(
                    DataCategory.values()).filter(c -> c != DataCategory.FILES).toArray(DataCategory[]::new));
            assertThat(retention.period(DataCategory.MESSAGES).orElseThrow())
                    .isLessThanOrEqualTo(retention.period(DataCategory.CONVERSATIONS).orElseThrow());
            assertThat(retention.period(DataCategory.MEDIA).orElseThrow())
                    .isLessThanOrEqualTo(retention.period(DataCategory.MESSAGES).orElseThrow());
        }
    }

    @Test
    void bothRunEveryDetectorMostSpecificFirst() {
        for (PrivacyPolicy policy : new PrivacyPolicy[] {lgpd, gdpr}) {
            assertThat(policy.detectors()).extracting(PiiDetector::type)
                    .containsExactly("email", "cpf", "cnpj", "card", "ip", "phone");
        }
    }

    @Test
    void bothAreListedInThePf4jExtensionIndex() throws IOException {
        // Test compilation writes its own (empty) index too, so read every one on the class path.
        List<String> listed = new ArrayList<>();
        for (URL index : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream in = index.openStream()) {
                listed.addAll(Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")));
            }
        }
        assertThat(listed).as("written by pf4j's annotation processor from @Extension")
                .contains(LgpdPolicy.class.getName(), GdprPolicy.class.getName());
    }
}
