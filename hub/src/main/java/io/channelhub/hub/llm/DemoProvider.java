package io.channelhub.hub.llm;

import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.model.ModelMessage;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers while no model key is configured, so the embedded default works end to end. Deterministic, and every
 * reply says it is a demo: nobody should mistake it for an agent.
 */
public class DemoProvider implements ModelProvider {

    public static final String ID = "demo";
    static final String PREFIX = "[demo] ";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public SettingsSchema settingsSchema() {
        return SettingsSchema.empty();
    }

    static String answer(ModelRequest request) {
        String last = "";
        String files = "";
        for (int i = request.messages().size() - 1; i >= 0; i--) {
            ModelMessage m = request.messages().get(i);
            if ("user".equals(m.role()) && m.content() != null) {
                last = m.content().strip();
                if (!m.attachments().isEmpty()) {
                    files = " You attached " + String.join(", ", m.attachments().stream().map(a -> (a.fileName() == null
                            ? "a file" : a.fileName()) + " (" + a.contentType() + ", " + a.data().length + " bytes)")
                            .toList()) + ".";
                }
                break;
            }
        }
        if (last.length() > 200) {
            last = last.substring(0, 200) + "...";
        }
        return PREFIX + "This is a demo reply from ChannelHub: no model API key is configured, so no AI model "
                + "was called. You said: \"" + last + "\"." + files + knowledge(request)
                + " Configure a model provider to get real answers.";
    }

    /**
     * The best passage retrieval put into the prompt (a system message listing excerpts as {@code [1] (file)}), so
     * the demo shows that the agent's knowledge was found; empty without one.
     */
    static String knowledge(ModelRequest request) {
        for (ModelMessage m : request.messages()) {
            String c = m.content();
            int at = c == null || !"system".equals(m.role()) ? -1 : c.indexOf("\n[1] (");
            if (at >= 0) {
                int nameEnd = c.indexOf(")\n", at);
                if (nameEnd < 0) {
                    continue;
                }
                String name = c.substring(at + 6, nameEnd);
                String text = c.substring(nameEnd + 2).strip();
                int end = text.indexOf("\n\n[2] (");
                text = (end >= 0 ? text.substring(0, end) : text).replaceAll("\\s+", " ");
                if (text.length() > 300) {
                    text = text.substring(0, 300) + "...";
                }
                return " From your documents, " + name + " [1]: \"" + text + "\".";
            }
        }
        return "";
    }

    static long tokens(String s) {
        return s == null ? 0 : Math.max(1, (s.length() + 3) / 4);
    }

    @Override
    public ModelReply complete(ModelRequest request, Settings settings) {
        String text = answer(request);
        long prompt = tokens(request.instructions());
        for (ModelMessage m : request.messages()) {
            prompt += tokens(m.content());
        }
        return new ModelReply(text, List.of(), "stop", new ModelReply.Usage(prompt, tokens(text)), "demo");
    }

    @Override
    public ModelStream stream(ModelRequest request, Settings settings) {
        ModelReply whole = complete(request, settings);
        List<String> pieces = new ArrayList<>();
        for (String word : whole.content().split("(?<= )")) {
            pieces.add(word);
        }
        return new ModelStream() {
            private int next;

            @Override
            public String nextDelta() {
                return next < pieces.size() ? pieces.get(next++) : null;
            }

            @Override
            public ModelReply reply() {
                return whole;
            }

            @Override
            public void close() {
                next = pieces.size();
            }
        };
    }
}
