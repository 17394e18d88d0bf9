package io.channelhub.hub.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelOutboxTest {

    @Test
    void aShortTextIsOnePart() {
        assertThat(ChannelOutbox.split("Olá!", 4096)).containsExactly("Olá!");
        assertThat(ChannelOutbox.split("x".repeat(5000), 0)).containsExactly("x".repeat(5000));
    }

    @Test
    void aLongTextSplitsAtParagraphsThenSentencesThenWords() {
        String para = "a".repeat(60) + ".\n\n" + "b".repeat(60);
        assertThat(ChannelOutbox.split(para, 100)).containsExactly("a".repeat(60) + ".", "b".repeat(60));
        String sentences = "First sentence is here. " + "Second one is somewhat longer than that.";
        List<String> parts = ChannelOutbox.split(sentences, 40);
        assertThat(parts.get(0)).isEqualTo("First sentence is here.");
        assertThat(String.join(" ", parts)).isEqualTo(sentences);
    }

    @Test
    void everyPartFitsAndNothingIsLost() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append("palavra").append(i).append(i % 17 == 0 ? ".\n" : " ");
        }
        List<String> parts = ChannelOutbox.split(text.toString(), 4096);
        assertThat(parts).hasSizeGreaterThan(1).allMatch(p -> p.length() <= 4096 && !p.isBlank());
        assertThat(String.join(" ", parts).replaceAll("\\s+", " ").strip())
                .isEqualTo(text.toString().replaceAll("\\s+", " ").strip());
    }

    @Test
    void aWordLongerThanAPartIsCutHardWithoutSplittingASurrogatePair() {
        String emoji = "😀";
        String text = "x".repeat(9) + emoji + "y".repeat(10);
        List<String> parts = ChannelOutbox.split(text, 10);
        assertThat(parts.get(0)).isEqualTo("x".repeat(9));
        assertThat(String.join("", parts)).isEqualTo(text);
    }
}
