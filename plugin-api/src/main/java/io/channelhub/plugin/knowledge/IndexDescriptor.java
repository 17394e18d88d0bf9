package io.channelhub.plugin.knowledge;

/**
 * What an index is.
 *
 * <pre>{@code
 * new IndexDescriptor("lucene", true)
 * }</pre>
 *
 * @param id         a short name the configuration chooses it by ({@code lucene})
 * @param perReplica true when each hub replica holds its own copy (the hub feeds every replica); false for an engine
 *                   every replica shares (the hub writes once)
 * @since 1.3.0
 */
public record IndexDescriptor(String id, boolean perReplica) {
}
