package io.channelhub.plugin.knowledge;

/**
 * One passage of a file and its embedding.
 *
 * <pre>{@code
 * new IndexedChunk(0, "Opening hours: 9 to 18.", new float[] {0.12f, -0.03f, ...})
 * }</pre>
 *
 * @param index  the chunk's position in its file, from 0
 * @param text   the passage (what keyword search matches)
 * @param vector its embedding (what vector search compares); every chunk of one embedding model has the same length
 * @since 1.3.0
 */
public record IndexedChunk(int index, String text, float[] vector) {
}
