package io.channelhub.hub.privacy;

import java.util.List;
import java.util.Map;

/**
 * What a concern outside the core's conversation tables keeps about a data subject (knowledge files that mention
 * them, say): one section of an export, and its part of an erasure.
 */
public interface SubjectData {

    /** The section's name in an export and in an erasure's report. */
    String section();

    /** The rows of the section about {@code subject}. */
    List<Map<String, Object>> collect(String tenantId, String subject);

    /** Deletes what is about {@code subject}; returns how many items went. */
    int erase(String tenantId, String subject);

    /** A LIKE pattern that finds {@code s} anywhere, its wildcards escaped. */
    static String containing(String s) {
        return "%" + s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
