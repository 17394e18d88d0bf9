package io.channelhub.hub.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text into passages of at most {@code maxTokens} tokens, each overlapping the one before by about
 * {@code overlapTokens}. A window ends at a paragraph or sentence end when one falls in its last 40%, so a passage
 * rarely stops mid-sentence; a passage is a verbatim slice of the text, so a citation can be found in the file.
 */
final class Chunker {

    /** A passage: its text, how many tokens it has, and where it starts in the text. */
    record Chunk(String text, int tokens, int start) {
    }

    private final Tokens tokens;

    Chunker(Tokens tokens) {
        this.tokens = tokens;
    }

    List<Chunk> chunk(String text, int maxTokens, int overlapTokens) {
        if (maxTokens < 1 || overlapTokens < 0 || overlapTokens > maxTokens / 2) {
            throw new IllegalArgumentException("max tokens must be positive and overlap at most half of it");
        }
        List<int[]> spans = tokens.spans(text);
        List<Chunk> out = new ArrayList<>();
        int n = spans.size();
        int start = 0;
        while (start < n) {
            int end = Math.min(n, start + maxTokens);
            if (end < n) {
                end = breakPoint(text, spans, start, end, maxTokens);
                // Never end inside a word: a word the tokenizer split into pieces stays whole in one chunk.
                int whole = end;
                while (whole > start + 1 && !wordStart(text, spans, whole)) {
                    whole--;
                }
                end = whole > start + 1 ? whole : end;
            }
            String passage = text.substring(spans.get(start)[0], spans.get(end - 1)[1]).strip();
            if (!passage.isEmpty()) {
                out.add(new Chunk(passage, end - start, spans.get(start)[0]));
            }
            if (end >= n) {
                break;
            }
            // The next window starts at a word's first piece, never inside a word.
            int next = Math.max(start + 1, end - overlapTokens);
            while (next > start + 1 && !wordStart(text, spans, next)) {
                next--;
            }
            start = next;
        }
        return out;
    }

    /** The best end in the window's last 40%: after a paragraph break, else after a sentence end, else the window. */
    private static int breakPoint(String text, List<int[]> spans, int start, int end, int maxTokens) {
        int earliest = start + Math.max(1, (int) (maxTokens * 0.6));
        int sentence = -1;
        for (int i = end - 1; i >= earliest; i--) {
            int gapFrom = spans.get(i - 1)[1];
            int gapTo = spans.get(i)[0];
            String gap = text.substring(gapFrom, gapTo);
            if (gap.contains("\n\n") || gap.contains("\r\n\r\n")) {
                return i;
            }
            if (sentence < 0 && (gap.contains("\n") || endsSentence(text, gapFrom))) {
                sentence = i;
            }
        }
        return sentence > 0 ? sentence : end;
    }

    /** Whether token {@code i} begins a word (whitespace or punctuation before it), not continues one. */
    private static boolean wordStart(String text, List<int[]> spans, int i) {
        int at = spans.get(i)[0];
        if (at == 0 || i == 0) {
            return true;
        }
        char before = text.charAt(at - 1);
        char first = text.charAt(at);
        return Character.isWhitespace(before) || !Character.isLetterOrDigit(before) || !Character.isLetterOrDigit(first);
    }

    private static boolean endsSentence(String text, int at) {
        if (at == 0) {
            return false;
        }
        char c = text.charAt(at - 1);
        return (c == '.' || c == '!' || c == '?' || c == ';' || c == ':')
                && at < text.length() && Character.isWhitespace(text.charAt(at));
    }
}
