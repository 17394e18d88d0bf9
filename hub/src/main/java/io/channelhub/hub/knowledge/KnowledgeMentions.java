package io.channelhub.hub.knowledge;

import io.channelhub.hub.privacy.SubjectData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Knowledge files that mention a data subject (their identifier, an e-mail or a phone number, appears in the text
 * the hub extracted): the passages go into the subject's export, and an erasure deletes those files whole, from
 * every store and every replica's index, since a document cannot be edited in place. A document that mentions the
 * subject in another form (a formatted phone number) is not found: the report lists what was.
 */
public final class KnowledgeMentions implements SubjectData {

    private final Jdbi jdbi;
    private final Knowledge knowledge;

    public KnowledgeMentions(Jdbi jdbi, Knowledge knowledge) {
        this.jdbi = jdbi;
        this.knowledge = knowledge;
    }

    @Override
    public String section() {
        return "knowledge_files";
    }

    @Override
    public List<Map<String, Object>> collect(String tenantId, String subject) {
        if (subject == null || subject.isBlank()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT c.file_id, f.filename, c.vector_store_id, c.chunk_no, "
                        + "c.content FROM knowledge_chunks c JOIN files f ON f.tenant_id = c.tenant_id AND f.id = "
                        + "c.file_id WHERE c.tenant_id = :t AND LOWER(c.content) LIKE :s ORDER BY c.file_id, "
                        + "c.vector_store_id, c.chunk_no")
                .bind("t", tenantId).bind("s", SubjectData.containing(subject.toLowerCase(Locale.ROOT)))
                .map((rs, ctx) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("file_id", rs.getString(1));
                    row.put("filename", rs.getString(2));
                    row.put("vector_store_id", rs.getString(3));
                    row.put("chunk_index", rs.getInt(4));
                    row.put("passage", rs.getString(5));
                    return row;
                }).list());
    }

    @Override
    public int erase(String tenantId, String subject) {
        Set<String> ids = new LinkedHashSet<>();
        collect(tenantId, subject).forEach(r -> ids.add((String) r.get("file_id")));
        List<KnowledgeFile> files = new ArrayList<>(knowledge.files().find(tenantId, ids));
        files.forEach(knowledge::deleteFile);
        return files.size();
    }
}
