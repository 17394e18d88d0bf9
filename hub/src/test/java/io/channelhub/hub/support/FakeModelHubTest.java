package io.channelhub.hub.support;

import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/** A contract whose hub answers with a scripted OpenAI-compatible model ({@link FakeOpenAi}), reset before each test. */
public abstract class FakeModelHubTest extends HubIntegrationTest {

    protected final FakeOpenAi model;

    protected FakeModelHubTest() {
        try {
            model = new FakeOpenAi();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contract's own settings, besides the model's. */
    protected List<ConfigOverride> moreOverrides() {
        return List.of();
    }

    @Override
    protected final ConfigOverride[] overrides() {
        List<ConfigOverride> o = new ArrayList<>(List.of(model.asOperatorModel()));
        o.addAll(moreOverrides());
        return o.toArray(ConfigOverride[]::new);
    }

    @AfterAll
    void stopModel() {
        model.close();
    }

    @BeforeEach
    void resetModel() {
        model.reset();
    }
}
