package io.channelhub.hub.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.deser.std.UntypedObjectDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Text the hub accepts is text it can store, index, export and send on: no NUL character (MariaDB and most tools
 * cut a string there) and no unpaired UTF-16 surrogate (it has no UTF-8 form, so it would fail or turn into
 * {@code ?} far from the request that sent it). JSON escapes ({@code "\u0000"}, {@code "\ud800"}) let both through
 * a valid document; every string of a request body, keys included, is checked as it is read.
 */
public final class StoredText {

    private StoredText() {
    }

    /** The reason {@code s} cannot be stored, or null when it can. */
    public static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains a NUL character";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate";
            }
        }
        return null;
    }

    /** Refused text, with the field's path attached by Jackson on the way out. */
    public static final class Refused extends InvalidFormatException {
        Refused(JsonParser p, String problem, String value) {
            super(p, "text " + problem, value, String.class);
        }
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("stored-text");
        m.addDeserializer(String.class, new Strings());
        m.addDeserializer(Object.class, new Untyped());
        m.addKeyDeserializer(String.class, new Keys());
        m.addDeserializer(JsonNode.class, new Trees());
        return m;
    }

    static String check(JsonParser p, String s) throws Refused {
        String problem = s == null ? null : problem(s);
        if (problem != null) {
            throw new Refused(p, problem, s);
        }
        return s;
    }

    private static final class Strings extends StdScalarDeserializer<String> {
        Strings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return check(p, StringDeserializer.instance.deserialize(p, ctx));
        }
    }

    private static final class Keys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctx) throws IOException {
            return check(ctx.getParser(), key);
        }
    }

    /** Free-form JSON (settings, metadata): its strings, at any depth, and its keys. */
    private static final class Untyped extends UntypedObjectDeserializer {
        Untyped() {
            super((com.fasterxml.jackson.databind.JavaType) null, null);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            Object v = super.deserialize(p, ctx);
            walk(p, v);
            return v;
        }

        private static void walk(JsonParser p, Object v) throws Refused {
            if (v instanceof String s) {
                check(p, s);
            } else if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    walk(p, e.getKey());
                    walk(p, e.getValue());
                }
            } else if (v instanceof List<?> l) {
                for (Object o : l) {
                    walk(p, o);
                }
            }
        }
    }

    /** Raw JSON kept as a tree (an agent's tool schemas, a message's interactive part): every text node and key. */
    private static final class Trees extends StdDeserializer<JsonNode> {
        private final transient JsonDeserializer<? extends JsonNode> base =
                JsonNodeDeserializer.getDeserializer(JsonNode.class);

        Trees() {
            super(JsonNode.class);
        }

        @Override
        public JsonNode deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode n = base.deserialize(p, ctx);
            walk(p, n);
            return n;
        }

        @Override
        public JsonNode getNullValue(DeserializationContext ctx) {
            return NullNode.getInstance();
        }

        /** A missing property stays missing (null), as with Jackson's own tree reader. */
        @Override
        public Object getAbsentValue(DeserializationContext ctx) {
            return null;
        }

        private static void walk(JsonParser p, JsonNode n) throws Refused {
            if (n.isTextual()) {
                check(p, n.textValue());
            } else if (n.isObject()) {
                for (var it = n.fields(); it.hasNext(); ) {
                    var e = it.next();
                    check(p, e.getKey());
                    walk(p, e.getValue());
                }
            } else if (n.isArray()) {
                for (JsonNode c : n) {
                    walk(p, c);
                }
            }
        }
    }
}
