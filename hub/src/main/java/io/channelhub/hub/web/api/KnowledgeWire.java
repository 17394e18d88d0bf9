package io.channelhub.hub.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.channelhub.hub.errors.ApiException;
import io.channelhub.hub.knowledge.KnowledgeFile;
import io.channelhub.hub.knowledge.KnowledgeSearch;
import io.channelhub.hub.knowledge.StoreFile;
import io.channelhub.hub.knowledge.VectorStore;
import io.channelhub.hub.knowledge.VectorStores;
import io.channelhub.plugin.knowledge.AttributeFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON of OpenAI's Files and Vector Stores APIs, which the official SDKs parse: Unix-second times, {@code object}
 * names, list pages with {@code first_id}, {@code last_id} and {@code has_more}. Field names are written out here
 * (maps, not records) because these shapes are OpenAI's, not the hub's house style.
 */
final class KnowledgeWire {

    private KnowledgeWire() {
    }

    static Long seconds(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }

    static Map<String, Object> file(KnowledgeFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("object", "file");
        m.put("bytes", f.bytes());
        m.put("created_at", seconds(f.createdAt()));
        m.put("expires_at", seconds(f.expiresAt()));
        m.put("filename", f.filename());
        m.put("purpose", f.purpose());
        // OpenAI's deprecated fields, still parsed by older clients: a stored file is "processed".
        m.put("status", "processed");
        m.put("status_details", null);
        m.put("content_type", f.contentType());
        return m;
    }

    static Map<String, Object> store(VectorStore s, VectorStores.FileCounts counts, long usageBytes, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("object", "vector_store");
        m.put("created_at", seconds(s.createdAt()));
        m.put("name", s.name() == null ? "" : s.name());
        m.put("description", s.description());
        m.put("usage_bytes", usageBytes);
        m.put("file_counts", fileCounts(counts));
        m.put("status", s.expired(now) ? "expired" : counts.inProgress() > 0 ? "in_progress" : "completed");
        m.put("expires_after", s.expiresAfterDays() == null ? null
                : Map.of("anchor", "last_active_at", "days", s.expiresAfterDays()));
        m.put("expires_at", seconds(s.expiresAt()));
        m.put("last_active_at", seconds(s.lastActiveAt()));
        m.put("metadata", s.metadata());
        m.put("embedding", Map.of("provider", s.embeddingProvider(), "model", s.embeddingModel()));
        return m;
    }

    /** OpenAI's {@code vector_store.file_batch}: its status from its files' (cancelled once asked to be). */
    static Map<String, Object> fileBatch(VectorStores.FileBatch b, VectorStores.FileCounts counts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("object", "vector_store.files_batch");
        m.put("created_at", seconds(b.createdAt()));
        m.put("vector_store_id", b.vectorStoreId());
        m.put("status", counts.inProgress() > 0 ? "in_progress" : b.cancelled() ? "cancelled"
                : counts.total() > 0 && counts.failed() == counts.total() ? "failed" : "completed");
        m.put("file_counts", fileCounts(counts));
        return m;
    }

    /** OpenAI's {@code file_counts} of a store or a batch. */
    private static Map<String, Object> fileCounts(VectorStores.FileCounts counts) {
        Map<String, Object> fc = new LinkedHashMap<>();
        fc.put("in_progress", counts.inProgress());
        fc.put("completed", counts.completed());
        fc.put("failed", counts.failed());
        fc.put("cancelled", counts.cancelled());
        fc.put("total", counts.total());
        return fc;
    }

    static Map<String, Object> storeFile(StoreFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.fileId());
        m.put("object", "vector_store.file");
        m.put("usage_bytes", f.usageBytes());
        m.put("created_at", seconds(f.createdAt()));
        m.put("vector_store_id", f.vectorStoreId());
        m.put("status", f.status());
        m.put("last_error", StoreFile.FAILED.equals(f.status()) && f.lastErrorCode() != null
                ? Map.of("code", f.lastErrorCode(), "message", f.lastErrorMessage() == null ? ""
                : f.lastErrorMessage()) : null);
        m.put("chunking_strategy", Map.of("type", "static", "static", Map.of("max_chunk_size_tokens",
                f.chunkMaxTokens(), "chunk_overlap_tokens", f.chunkOverlapTokens())));
        m.put("attributes", f.attributes());
        m.put("chunk_count", f.chunkCount());
        return m;
    }

    static Map<String, Object> deleted(String id, String object) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("deleted", true);
        return m;
    }

    /** A list page: {@code rows} holds one more than {@code limit} when there is more. */
    static <T> Map<String, Object> list(List<T> rows, int limit, Function<T, String> id,
                                        Function<T, Map<String, Object>> view) {
        boolean more = rows.size() > limit;
        List<T> page = more ? rows.subList(0, limit) : rows;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", "list");
        m.put("data", page.stream().map(view).toList());
        m.put("first_id", page.isEmpty() ? null : id.apply(page.get(0)));
        m.put("last_id", page.isEmpty() ? null : id.apply(page.get(page.size() - 1)));
        m.put("has_more", more);
        return m;
    }

    /** Reads up to {@code limit + 1} rows after {@code cursor} (null: from the start) in one order. */
    interface PageReader<T> {
        List<T> read(String cursor, int limit, boolean ascending);
    }

    /**
     * One page of an OpenAI list in the requested order: {@code after} pages forward; {@code before} pages back,
     * read in the opposite order from the cursor and turned around, so it ends just before it. The cursors
     * ({@code first_id}, {@code last_id}) are the window's ends, shown or not, so the next page starts past what this
     * one skipped; {@code has_more} says whether rows remain in the direction paged.
     */
    static <T> Map<String, Object> page(String after, String before, String order, int limit, PageReader<T> reader,
                                        Function<List<T>, List<T>> visible, Function<T, String> id,
                                        Function<T, Map<String, Object>> view) {
        if (after != null && before != null) {
            throw invalid("before", "page with after or with before, not both");
        }
        boolean asc = ascending(order);
        List<T> rows = before != null ? reader.read(before, limit, !asc) : reader.read(after, limit, asc);
        boolean more = rows.size() > limit;
        List<T> window = new ArrayList<>(more ? rows.subList(0, limit) : rows);
        if (before != null) {
            java.util.Collections.reverse(window);
        }
        Map<String, Object> m = list(visible.apply(window), limit, id, view);
        m.put("first_id", window.isEmpty() ? null : id.apply(window.get(0)));
        m.put("last_id", window.isEmpty() ? null : id.apply(window.get(window.size() - 1)));
        m.put("has_more", more);
        return m;
    }

    static Map<String, Object> searchPage(Object query, List<KnowledgeSearch.Hit> hits) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", "vector_store.search_results.page");
        m.put("search_query", query);
        List<Map<String, Object>> data = new ArrayList<>();
        for (KnowledgeSearch.Hit h : hits) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("file_id", h.fileId());
            d.put("filename", h.filename());
            d.put("score", h.score());
            d.put("attributes", h.attributes());
            d.put("content", List.of(Map.of("type", "text", "text", h.text())));
            d.put("vector_store_id", h.vectorStoreId());
            d.put("chunk_index", h.chunkIndex());
            data.add(d);
        }
        m.put("data", data);
        m.put("has_more", false);
        m.put("next_page", null);
        return m;
    }

    static int limit(Integer requested) {
        if (requested == null) {
            return 20;
        }
        if (requested < 1 || requested > 100) {
            throw new ApiException(422, "invalid_limit", "limit must be between 1 and 100",
                    Map.of("field", "limit"));
        }
        return requested;
    }

    static boolean ascending(String order) {
        if (order == null || order.equals("desc")) {
            return false;
        }
        if (order.equals("asc")) {
            return true;
        }
        throw new ApiException(422, "invalid_order", "order is asc or desc", Map.of("field", "order"));
    }

    /** Attributes of a file in a store: at most 16 keys of up to 64 characters, values strings (512), numbers or booleans. */
    static Map<String, Object> attributes(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject() || n.size() > 16) {
            throw invalid(field, "an object of at most 16 attributes");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        var it = n.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (e.getKey().isEmpty() || e.getKey().length() > 64) {
                throw invalid(field, "attribute names are 1 to 64 characters");
            }
            if (v.isTextual() && v.asText().length() <= 512) {
                out.put(e.getKey(), v.asText());
            } else if (v.isNumber()) {
                out.put(e.getKey(), v.numberValue());
            } else if (v.isBoolean()) {
                out.put(e.getKey(), v.asBoolean());
            } else {
                throw invalid(field + "." + e.getKey(), "a string of at most 512 characters, a number or a boolean");
            }
        }
        return out;
    }

    /** Metadata: at most 16 string pairs (keys up to 64 characters, values up to 512), as OpenAI has it. */
    static Map<String, String> metadata(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject() || n.size() > 16) {
            throw invalid("metadata", "an object of at most 16 string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        var it = n.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().length() > 64 || !e.getValue().isTextual() || e.getValue().asText().length() > 512) {
                throw invalid("metadata." + e.getKey(), "keys of up to 64 characters, string values of up to 512");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** {@code {"type":"auto"}} or {@code {"type":"static","static":{...}}}: [max, overlap, auto?1:0], null for auto. */
    static int[] chunking(JsonNode n) {
        if (n == null || n.isNull() || "auto".equals(n.path("type").asText())) {
            return null;
        }
        if (!"static".equals(n.path("type").asText())) {
            throw invalid("chunking_strategy", "{\"type\":\"auto\"} or {\"type\":\"static\",\"static\":{"
                    + "\"max_chunk_size_tokens\",\"chunk_overlap_tokens\"}}");
        }
        int max = n.path("static").path("max_chunk_size_tokens").asInt(-1);
        int overlap = n.path("static").path("chunk_overlap_tokens").asInt(-1);
        if (max < 100 || max > 4096) {
            throw invalid("chunking_strategy.static.max_chunk_size_tokens", "between 100 and 4096");
        }
        if (overlap < 0 || overlap > max / 2) {
            throw invalid("chunking_strategy.static.chunk_overlap_tokens", "between 0 and half the chunk size");
        }
        return new int[] {max, overlap};
    }

    /** OpenAI's search filters: a comparison {@code {type,key,value}} or a compound {@code {type,filters}}. */
    static AttributeFilter filter(JsonNode n, String field, int depth) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (depth > 8) {
            throw invalid(field, "filters nest at most 8 deep");
        }
        String type = n.path("type").asText("");
        try {
            if (type.equals("and") || type.equals("or")) {
                JsonNode list = n.path("filters");
                if (!list.isArray() || list.isEmpty() || list.size() > 32) {
                    throw invalid(field + ".filters", "1 to 32 filters");
                }
                List<AttributeFilter> parts = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    parts.add(filter(list.get(i), field + ".filters[" + i + "]", depth + 1));
                }
                return new AttributeFilter.Compound(type.equals("or"), parts);
            }
            if (type.equals("in") || type.equals("nin")) {
                // One of a list: an "or" of equalities; none of a list: an "and" of inequalities.
                JsonNode list = n.path("value");
                String key = n.path("key").asText("");
                if (key.isEmpty() || !list.isArray() || list.isEmpty() || list.size() > 100) {
                    throw invalid(field, "in and nin need a key and an array of 1 to 100 values");
                }
                List<AttributeFilter> parts = new ArrayList<>();
                for (JsonNode v : list) {
                    Object value = scalar(v);
                    if (value == null) {
                        throw invalid(field + ".value", "strings, numbers or booleans");
                    }
                    parts.add(new AttributeFilter.Comparison(key, type.equals("in") ? AttributeFilter.Op.EQ
                            : AttributeFilter.Op.NE, value));
                }
                return new AttributeFilter.Compound(type.equals("in"), parts);
            }
            AttributeFilter.Op op = AttributeFilter.Op.valueOf(type.toUpperCase(Locale.ROOT));
            JsonNode v = n.path("value");
            Object value = scalar(v);
            String key = n.path("key").asText("");
            if (key.isEmpty() || value == null) {
                throw invalid(field, "a comparison needs a key and a string, number or boolean value");
            }
            return new AttributeFilter.Comparison(key, op, value);
        } catch (IllegalArgumentException e) {
            throw invalid(field, "type is one of eq, ne, gt, gte, lt, lte, in, nin, and, or"
                    + (e.getMessage() != null && e.getMessage().contains("compares numbers") ? " (" + e.getMessage()
                    + ")" : ""));
        }
    }

    private static Object scalar(JsonNode v) {
        return v.isTextual() ? v.asText() : v.isNumber() ? v.numberValue() : v.isBoolean() ? (Object) v.asBoolean()
                : null;
    }

    static ApiException invalid(String field, String rule) {
        return new ApiException(422, "invalid_request", field + ": " + rule, Map.of("field", field));
    }
}
