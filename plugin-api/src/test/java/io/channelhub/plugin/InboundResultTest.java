package io.channelhub.plugin;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InboundResultTest {

    @Test
    void aResultWithoutAnAnswerFailsInThePluginNotAfterItsEventsAreStored() {
        assertThatThrownBy(() -> InboundResult.accepted(null, List.of())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("answer");
        assertThatThrownBy(() -> new InboundResult(null, List.of())).isInstanceOf(NullPointerException.class);
    }
}
