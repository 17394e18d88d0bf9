package io.channelhub.plugin.knowledge;

/**
 * One chunk a search found. The hub reads the chunk's text from its database, so an index may keep only what it
 * needs to search.
 *
 * <pre>{@code
 * new IndexHit("vs_1", "file_1", 3, 0.82)
 * }</pre>
 *
 * @param storeId    the store it was found in
 * @param fileId     its file
 * @param chunkIndex its position in the file
 * @param score      relevance from 0 to 1, higher is better, comparable within one search
 * @since 1.3.0
 */
public record IndexHit(String storeId, String fileId, int chunkIndex, double score) {
}
