package io.channelhub.plugin.knowledge;

import java.util.List;
import java.util.Map;

/**
 * Every chunk of one file as one store holds it.
 *
 * <pre>{@code
 * new IndexedFile("ten_1", "vs_1", "file_1", "prices.pdf", Map.of("region", "south"), "all-minilm-l6-v2", chunks)
 * }</pre>
 *
 * @param tenantId       the tenant
 * @param storeId        the vector store
 * @param fileId         the file
 * @param filename       its name, for keyword search and display
 * @param attributes     the file's attributes in this store (string, number or boolean values), for filters
 * @param embeddingModel the model that made the vectors; a query is compared only with vectors of its own model
 * @param chunks         the chunks, in order
 * @since 1.3.0
 */
public record IndexedFile(String tenantId, String storeId, String fileId, String filename,
                          Map<String, Object> attributes, String embeddingModel, List<IndexedChunk> chunks) {

    /** Copies the collections. */
    public IndexedFile {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }
}
