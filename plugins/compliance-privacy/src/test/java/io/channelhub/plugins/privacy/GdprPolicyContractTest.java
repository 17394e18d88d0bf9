package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PrivacyPolicy;
import io.channelhub.plugin.testing.PrivacyPolicyContract;
import java.util.Map;

/** The test kit's privacy contract on the GDPR policy, with the LGPD test's samples (the detectors are shared). */
class GdprPolicyContractTest extends PrivacyPolicyContract {

    @Override
    protected PrivacyPolicy policy() {
        return new GdprPolicy();
    }

    @Override
    protected Map<String, String> oneOfEachType() {
        return LgpdPolicyContractTest.SAMPLES;
    }
}
