package io.channelhub.hub.knowledge;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.SAXException;

/**
 * What a file is and the text in it (Apache Tika). The type is sniffed from the bytes, the name only breaking ties
 * (plain text and Markdown look alike), so a renamed executable is refused whatever it is called.
 */
public final class TextExtractor {

    /** The types knowledge takes, by sniffed media type, with the extension a listing shows. */
    static final Map<String, String> SUPPORTED = Map.ofEntries(
            Map.entry("application/pdf", "pdf"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            Map.entry("text/html", "html"),
            Map.entry("application/xhtml+xml", "html"),
            Map.entry("text/markdown", "md"),
            Map.entry("text/x-web-markdown", "md"),
            Map.entry("text/plain", "txt"),
            Map.entry("text/csv", "csv"),
            Map.entry("application/json", "json"));

    /** The text could not be read from a file of a supported type. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Text, whether it was cut at the limit, and the document's title when it has one (HTML, PDF, DOCX). */
    record Extracted(String text, boolean truncated, String title) {
    }

    public TextExtractor() {
    }

    private final TikaConfig tika = TikaConfig.getDefaultConfig();
    private final Detector detector = tika.getDetector();
    private final AutoDetectParser parser = new AutoDetectParser(tika);

    /** The sniffed media type (without parameters) of {@code in} named {@code filename}. */
    String detect(InputStream in, String filename) throws IOException {
        Metadata m = new Metadata();
        if (filename != null) {
            m.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        }
        try (TikaInputStream t = TikaInputStream.get(in)) {
            MediaType type = detector.detect(t, m);
            return type.getBaseType().toString().toLowerCase(Locale.ROOT);
        }
    }

    static boolean supported(String mediaType) {
        return SUPPORTED.containsKey(mediaType);
    }

    /** The file's text, at most {@code maxChars} characters. */
    Extracted extract(InputStream in, String filename, String mediaType, int maxChars) throws Unreadable {
        Metadata m = new Metadata();
        if (filename != null) {
            m.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        }
        m.set(Metadata.CONTENT_TYPE, mediaType);
        BodyContentHandler handler = new BodyContentHandler(maxChars);
        boolean truncated = false;
        try (TikaInputStream t = TikaInputStream.get(in)) {
            parser.parse(t, handler, m, new ParseContext());
        } catch (SAXException e) {
            if (!WriteLimitReachedException.isWriteLimitReached(e)) {
                throw new Unreadable("the file's content could not be read", e);
            }
            truncated = true;
        } catch (TikaException | IOException | RuntimeException e) {
            throw new Unreadable(e instanceof org.apache.tika.exception.EncryptedDocumentException
                    ? "the file is encrypted" : "the file's content could not be read", e);
        }
        String title = m.get(TikaCoreProperties.TITLE);
        return new Extracted(clean(handler.toString()), truncated, title == null || title.isBlank() ? null
                : title.strip());
    }

    /** Collapses the runs of blank lines and spaces that extraction leaves, keeping paragraph breaks. */
    static String clean(String s) {
        return s.replace("\r\n", "\n").replace('\u00a0', ' ').replaceAll("[ \\t\\x0B\\f]+", " ")
                .replaceAll(" *\n *", "\n")
                // Rules drawn with characters (------, ====) separate sections: they are paragraph breaks.
                .replaceAll("(?m)^[-=_*~#]{3,}$", "")
                .replaceAll("\n{3,}", "\n\n").strip();
    }
}
