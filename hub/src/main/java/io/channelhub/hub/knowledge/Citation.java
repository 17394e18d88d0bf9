package io.channelhub.hub.knowledge;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A passage a reply was grounded on: which file, which chunk, how well it matched. Stored with the reply and shown
 * wherever the reply is (the JSON answer, SSE, the OpenAI-compatible endpoint, the widget).
 *
 * @param index where it appeared in the prompt, from 1 (the model is asked to cite as [1], [2], ...)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Citation(int index, String fileId, String filename, String vectorStoreId, int chunkIndex,
                       double score) {
}
