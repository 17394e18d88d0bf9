package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.channel.MessageTemplate;
import io.channelhub.plugin.channel.OutboundCheck;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a template message's parameters fit the synchronised template, checked before the hub queues it, so a
 * send that Meta would refuse with 132000 (parameter count) or 132012 (parameter format) is refused at once with
 * the part that is wrong.
 */
final class TemplateRules {

    static final String NOT_FOUND = "template_not_found";
    static final String NOT_APPROVED = "template_not_approved";
    static final String INVALID = "invalid_template_parameters";

    /** {@code {{1}}} (positional) or {@code {{first_name}}} (named parameter format). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

    private TemplateRules() {
    }

    /** The template's verdict on the parameters: accepted with its category, or the first kind of problem. */
    static OutboundCheck check(MessageTemplate template, TemplateParameters p) {
        if (!"APPROVED".equalsIgnoreCase(template.status())) {
            return OutboundCheck.refused(NOT_APPROVED, "template " + template.name() + " (" + template.language()
                    + ") is " + template.status() + ", not APPROVED", Map.of("status", String.valueOf(
                    template.status())));
        }
        Shape shape = Shape.of(template.componentsJson());
        Map<String, String> problems = new LinkedHashMap<>();
        checkHeader(shape, p.header(), problems);
        int given = p.body().size();
        if (shape.bodyPlaceholders().size() != given) {
            problems.put("body", "needs " + shape.bodyPlaceholders().size() + " parameter(s), got " + given);
        } else if (p.body().stream().anyMatch(String::isBlank)) {
            problems.put("body", "parameters must not be empty");
        }
        checkButtons(shape, p.buttons(), problems);
        if (!problems.isEmpty()) {
            return OutboundCheck.refused(INVALID, "the parameters do not fit template " + template.name() + " ("
                    + template.language() + "): " + String.join("; ", problems.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList()), problems);
        }
        return OutboundCheck.accepted(template.category());
    }

    private static void checkHeader(Shape shape, TemplateParameters.Header h, Map<String, String> problems) {
        String format = shape.headerFormat();
        if (format == null) {
            if (h != null) {
                problems.put("header", "is not in the template");
            }
            return;
        }
        switch (format) {
            case "TEXT" -> {
                int n = shape.headerPlaceholders().size();
                if (n == 0 && h != null) {
                    problems.put("header", "is fixed text and takes no parameter");
                } else if (n > 0 && (h == null || !"text".equals(h.type()) || h.text() == null)) {
                    problems.put("header", "needs " + n + " text parameter(s)");
                } else if (n > 1) {
                    problems.put("header", "has " + n + " placeholders; template_parameters can fill one");
                }
            }
            case "IMAGE", "VIDEO", "DOCUMENT" -> {
                String expected = format.toLowerCase(Locale.ROOT);
                if (h == null) {
                    problems.put("header", "needs a " + expected + " (link or id)");
                } else if (!expected.equals(h.type())) {
                    problems.put("header", "is " + expected + ", not " + h.type());
                } else if (h.link() == null && h.id() == null) {
                    problems.put("header", "needs a link or an id");
                }
            }
            default -> problems.put("header", "has format " + format + ", which template_parameters cannot fill");
        }
    }

    private static void checkButtons(Shape shape, List<TemplateParameters.Button> given,
                                     Map<String, String> problems) {
        List<String> wrong = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (TemplateParameters.Button b : given) {
            if (!seen.add(b.index())) {
                wrong.add("index " + b.index() + " is given twice");
                continue;
            }
            if (b.index() < 0 || b.index() >= shape.buttons().size()) {
                wrong.add("no button at index " + b.index());
                continue;
            }
            ButtonShape t = shape.buttons().get(b.index());
            if ("quick_reply".equals(b.subType()) && !"QUICK_REPLY".equals(t.type())) {
                wrong.add("button " + b.index() + " is " + t.type() + ", not a quick reply");
            } else if ("url".equals(b.subType()) && !("URL".equals(t.type()) && t.dynamic())) {
                wrong.add("button " + b.index() + " is not a URL button with a {{1}} suffix");
            } else if (b.parameter().isBlank()) {
                wrong.add("button " + b.index() + " needs a parameter");
            }
        }
        for (int i = 0; i < shape.buttons().size(); i++) {
            if (shape.buttons().get(i).dynamic() && !seen.contains(i)) {
                wrong.add("button " + i + " needs a url parameter (its URL ends in {{1}})");
            }
        }
        if (!wrong.isEmpty()) {
            problems.put("buttons", String.join(", ", wrong));
        }
    }

    /** The distinct placeholder names of a text, in order of first appearance. */
    static List<String> placeholders(String text) {
        if (text == null) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return List.copyOf(names);
    }

    /** Whether the names are positional ({{1}}, {{2}}); otherwise the template uses named parameters. */
    static boolean positional(List<String> names) {
        return names.stream().allMatch(n -> n.chars().allMatch(Character::isDigit));
    }

    /**
     * What of a template's components matters for sending: header format and placeholders, body placeholders,
     * buttons.
     */
    record Shape(String headerFormat, List<String> headerPlaceholders, List<String> bodyPlaceholders,
                 List<ButtonShape> buttons) {

        static Shape of(String componentsJson) {
            List<Object> components;
            try {
                components = Json.asList(Json.any(componentsJson == null ? "[]" : componentsJson));
            } catch (IllegalArgumentException e) {
                components = List.of();
            }
            String headerFormat = null;
            List<String> header = List.of();
            List<String> body = List.of();
            List<ButtonShape> buttons = new ArrayList<>();
            for (Object c : components) {
                Map<String, Object> component = Json.asObject(c);
                String type = Json.text(component, "type").orElse("").toUpperCase(Locale.ROOT);
                switch (type) {
                    case "HEADER" -> {
                        headerFormat = Json.text(component, "format").orElse("TEXT").toUpperCase(Locale.ROOT);
                        header = placeholders(Json.text(component, "text").orElse(null));
                    }
                    case "BODY" -> body = placeholders(Json.text(component, "text").orElse(null));
                    case "BUTTONS" -> {
                        for (Object b : Json.list(component, "buttons")) {
                            Map<String, Object> button = Json.asObject(b);
                            String buttonType = Json.text(button, "type").orElse("").toUpperCase(Locale.ROOT);
                            boolean dynamic = "URL".equals(buttonType)
                                    && !placeholders(Json.text(button, "url").orElse(null)).isEmpty();
                            buttons.add(new ButtonShape(buttonType, dynamic));
                        }
                    }
                    default -> {
                    }
                }
            }
            return new Shape(headerFormat, header, body, buttons);
        }
    }

    /**
     * One button of a template.
     *
     * @param type    {@code QUICK_REPLY}, {@code URL}, {@code PHONE_NUMBER}, {@code COPY_CODE}, ...
     * @param dynamic whether it is a URL button whose URL ends in a placeholder the send must fill
     */
    record ButtonShape(String type, boolean dynamic) {
    }
}
