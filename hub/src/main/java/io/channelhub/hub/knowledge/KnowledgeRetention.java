package io.channelhub.hub.knowledge;

import io.channelhub.hub.privacy.RetainedData;
import io.channelhub.plugin.privacy.RetentionDefaults.DataCategory;
import java.time.Instant;
import java.util.List;

/**
 * The {@code files} retention category: a tenant's uploads older than its retention are deleted as a user's
 * deletion would (out of every store and every replica's index, their storage given back), a hundred at a time.
 */
public final class KnowledgeRetention implements RetainedData {

    private static final int BATCH = 100;

    private final Knowledge knowledge;

    public KnowledgeRetention(Knowledge knowledge) {
        this.knowledge = knowledge;
    }

    @Override
    public DataCategory category() {
        return DataCategory.FILES;
    }

    @Override
    public long count(String tenantId, Instant cutoff) {
        return knowledge.files().countOlderThan(tenantId, cutoff);
    }

    @Override
    public long delete(String tenantId, Instant cutoff) {
        long n = 0;
        List<KnowledgeFile> due;
        do {
            due = knowledge.files().olderThan(tenantId, cutoff, BATCH);
            due.forEach(knowledge::deleteFile);
            n += due.size();
        } while (due.size() == BATCH);
        return n;
    }
}
