package io.channelhub.plugins.knowledge;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * Keyword analysis for Portuguese and English alike, since a tenant's documents and its customers' questions are
 * either (and often both): Unicode tokenisation, lower case, the stop words of both languages dropped, accents
 * folded ("informação" and "informacao" are one word, as customers often type without them), then the light
 * Portuguese stemmer and the minimal English one ("domingos" and "domingo", "bikes" and "bike" meet). Both stemmers
 * run on every word: each only takes off the endings of its language, and the same chain runs on documents and
 * queries, so what it does to a word of the other language it does on both sides.
 */
final class TextAnalyzer extends Analyzer {

    /** Portuguese and English stop words, with and without accents. */
    static final CharArraySet STOP_WORDS = stopWords();

    private static CharArraySet stopWords() {
        CharArraySet words = new CharArraySet(512, true);
        words.addAll(PortugueseAnalyzer.getDefaultStopSet());
        words.addAll(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        // How customers write in chat: "pra", "pro", "vc", "tá", "q" carry no more than the words they stand for.
        for (String w : new String[] {"pra", "pro", "pros", "pras", "vc", "vcs", "voce", "voces", "ta", "q", "tb",
            "tbm", "ai", "aí", "la", "lá", "aqui", "i", "me", "my", "you", "your", "we", "our", "do", "does", "can",
            "could", "would", "will", "am", "im", "i'm"}) {
            words.add(w);
        }
        CharArraySet folded = new CharArraySet(words.size() * 2, true);
        for (Object w : words) {
            String s = new String((char[]) w);
            folded.add(s);
            folded.add(java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKD).replaceAll("\\p{M}+", ""));
        }
        return CharArraySet.unmodifiableSet(folded);
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream s = new LowerCaseFilter(source);
        s = new StopFilter(s, STOP_WORDS);
        s = new ASCIIFoldingFilter(s);
        s = new PortugueseStemFilter(s);
        s = new EnglishMinimalStemFilter(s);
        return new TokenStreamComponents(source, s);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new ASCIIFoldingFilter(new LowerCaseFilter(in));
    }
}
