package io.channelhub.hub.knowledge;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts and places tokens: the WordPiece vocabulary of the in-process model (its tokenizer ships in the model's
 * jar). Chunks are cut by these tokens, so a chunk never exceeds what the local model reads; for a provider's
 * model they are an estimate within a few percent of its own count for Portuguese and English prose.
 */
public final class Tokens {

    /** Text is tokenised in blocks of about this many characters, to bound the memory of one call. */
    private static final int BLOCK = 100_000;

    private volatile HuggingFaceTokenizer tokenizer;

    /**
     * DJL unpacks its native tokenizer library into a cache directory, by default under the user's home, which a
     * container with a read-only root cannot write: use the temporary directory unless the operator chose one.
     */
    static void useWritableCache() {
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR",
                    Path.of(System.getProperty("java.io.tmpdir"), "channelhub-djl").toString());
        }
    }

    private HuggingFaceTokenizer tokenizer() {
        HuggingFaceTokenizer t = tokenizer;
        if (t == null) {
            synchronized (this) {
                if (tokenizer == null) {
                    useWritableCache();
                    try (InputStream in = Tokens.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
                        if (in == null) {
                            throw new IllegalStateException("the MiniLM tokenizer is missing from the class path");
                        }
                        tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "false",
                                "truncation", "false", "padding", "false"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                t = tokenizer;
            }
        }
        return t;
    }

    public int count(String text) {
        return spans(text).size();
    }

    /** Each token's [start, end) in {@code text}, in order. */
    List<int[]> spans(String text) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int to = Math.min(text.length(), from + BLOCK);
            if (to < text.length()) {
                // End the block on whitespace, so no token is split between two blocks.
                int ws = to;
                while (ws > from && !Character.isWhitespace(text.charAt(ws - 1))) {
                    ws--;
                }
                to = ws > from ? ws : to;
            }
            Encoding e = tokenizer().encode(text.substring(from, to), false, false);
            for (CharSpan s : e.getCharTokenSpans()) {
                if (s != null && s.getEnd() > s.getStart()) {
                    out.add(new int[] {from + s.getStart(), from + s.getEnd()});
                }
            }
            from = to;
        }
        return out;
    }
}
