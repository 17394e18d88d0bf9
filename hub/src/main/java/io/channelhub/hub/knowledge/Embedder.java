package io.channelhub.hub.knowledge;

import java.util.List;

/** Turns texts into vectors with one embedding model. */
interface Embedder {

    /** The vectors of {@code texts}, in order, unit length, and the tokens the model counted. */
    Embedded embed(String tenantId, List<String> texts);

    /** Vectors and the tokens they took. */
    record Embedded(List<float[]> vectors, long tokens) {
    }

    /** The embedding model could not be reached or refused: the stable code says which. */
    final class EmbeddingFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;
        private final boolean retryable;

        EmbeddingFailed(String code, String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.code = code;
            this.retryable = retryable;
        }

        String code() {
            return code;
        }

        boolean retryable() {
            return retryable;
        }
    }

    static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return v;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
