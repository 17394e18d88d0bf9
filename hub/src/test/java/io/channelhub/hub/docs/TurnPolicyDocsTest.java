package io.channelhub.hub.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.hub.conversations.TurnPipeline;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The turn policy table of docs/architecture.md is the code's: every entry, what it reserves and checks. */
class TurnPolicyDocsTest {

    private static final Pattern ROW = Pattern.compile("^\\s*\\| `([A-Z_]+)` \\|[^|]*\\|([^|]*)\\|([^|]*)\\|",
            Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("`([a-z_.]+)`");

    private static List<String> names(String cell) {
        return NAME.matcher(cell).results().map(m -> m.group(1)).toList();
    }

    @Test
    void theTableInArchitectureMdListsEveryEntryWithWhatItReservesAndChecks() throws Exception {
        String doc = DocsMatchCodeTest.read("docs/architecture.md");
        int at = doc.indexOf("<!-- turn-policy");
        assertThat(at).as("the turn policy table in docs/architecture.md").isNotNegative();
        Map<String, List<List<String>>> documented = new LinkedHashMap<>();
        Matcher m = ROW.matcher(doc.substring(at));
        while (m.find()) {
            documented.put(m.group(1), List.of(names(m.group(2)), names(m.group(3))));
        }
        assertThat(documented.keySet()).containsExactlyElementsOf(Arrays.stream(TurnPipeline.Entry.values())
                .map(Enum::name).toList());
        for (TurnPipeline.Entry e : TurnPipeline.Entry.values()) {
            assertThat(documented.get(e.name()).get(0)).as("what %s reserves", e).isEqualTo(e.reserves());
            assertThat(documented.get(e.name()).get(1)).as("what %s checks", e).isEqualTo(e.checks());
        }
    }
}
