package io.channelhub.hub.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;

/** Text extraction, token windows and the in-process embedding model, on real files made here. */
class IngestionPartsTest {

    private static final Tokens TOKENS = new Tokens();
    private final TextExtractor extractor = new TextExtractor();

    @Test
    void tokenSpansPointIntoTheOriginalTextEvenWithAccents() {
        String text = "Não há entregas aos domingos; açúcar mascavo custa R$ 14,90.";
        List<int[]> spans = TOKENS.spans(text);
        assertThat(spans).isNotEmpty();
        for (int[] s : spans) {
            assertThat(s[0]).isBetween(0, text.length());
            assertThat(s[1]).isBetween(s[0] + 1, text.length());
        }
        // Character (not byte) offsets: every token is a slice without spaces, and together they cover every
        // non-space character (byte offsets would drift after the first accented letter).
        boolean[] covered = new boolean[text.length()];
        for (int[] s : spans) {
            assertThat(text.substring(s[0], s[1])).doesNotContainAnyWhitespaces();
            for (int i = s[0]; i < s[1]; i++) {
                covered[i] = true;
            }
        }
        for (int i = 0; i < text.length(); i++) {
            assertThat(covered[i] || Character.isWhitespace(text.charAt(i))).as("char %d", i).isTrue();
        }
        assertThat(text.substring(spans.get(spans.size() - 1)[0], spans.get(spans.size() - 1)[1])).isEqualTo(".");
    }

    @Test
    void chunksAreVerbatimSlicesWithinTheBudgetAndOverlap() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            b.append("Sentence number ").append(i).append(" talks about bicycles and their brakes. ");
            if (i % 7 == 6) {
                b.append("\n\n");
            }
        }
        String text = b.toString();
        List<Chunker.Chunk> chunks = new Chunker(TOKENS).chunk(text, 100, 20);
        assertThat(chunks.size()).isGreaterThan(4);
        for (Chunker.Chunk c : chunks) {
            assertThat(text).contains(c.text());
            assertThat(c.tokens()).isLessThanOrEqualTo(100);
            assertThat(TOKENS.count(c.text())).isLessThanOrEqualTo(100);
        }
        // Consecutive chunks share text (the overlap), and together they cover the end of the text.
        assertThat(chunks.get(1).text()).contains(chunks.get(0).text().substring(chunks.get(0).text().length() - 20));
        assertThat(chunks.get(chunks.size() - 1).text()).endsWith("brakes.");
        // Windows end at sentence ends when one is near.
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.text()).endsWith("."));
    }

    @Test
    void refusesAnOverlapOfMoreThanHalf() {
        assertThatThrownBy(() -> new Chunker(TOKENS).chunk("a b c", 100, 60))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extractsPdfDocxHtmlAndMarkdown() throws Exception {
        byte[] pdf = pdf("Warranty: 12 months on frames.");
        assertThat(sniffAndExtract(pdf, "w.pdf")).contains("Warranty: 12 months on frames.");
        byte[] docx = docx("Devoluções em até 7 dias corridos.");
        assertThat(sniffAndExtract(docx, "d.docx")).contains("Devoluções em até 7 dias corridos.");
        String html = "<html><head><title>T</title><script>var x = 'hidden';</script></head><body><main><p>Open "
                + "9&ndash;18 on weekdays.</p></main></body></html>";
        String text = sniffAndExtract(html.getBytes(StandardCharsets.UTF_8), "h.html");
        assertThat(text).contains("Open 9–18 on weekdays.").doesNotContain("hidden");
        assertThat(sniffAndExtract("# Prices\n\nBread: R$ 9,50\n".getBytes(StandardCharsets.UTF_8), "p.md"))
                .contains("Bread: R$ 9,50");
    }

    @Test
    void sniffsTheBytesNotTheName() throws Exception {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0};
        String type = extractor.detect(new ByteArrayInputStream(elf), "manual.pdf");
        assertThat(TextExtractor.supported(type)).as(type).isFalse();
        assertThat(extractor.detect(new ByteArrayInputStream(pdf("x")), "scan.bin")).isEqualTo("application/pdf");
    }

    @Test
    void theLocalModelPutsParaphrasesCloserThanUnrelatedText() {
        LocalEmbedder model = new LocalEmbedder();
        Embedder.Embedded e = model.embed("t", List.of("How long is the warranty on a bicycle frame?",
                "Frames are guaranteed for twelve months from the date of purchase.",
                "The bakery opens at seven in the morning."));
        assertThat(e.vectors()).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(LocalEmbedder.DIMENSIONS));
        assertThat(e.tokens()).isPositive();
        double related = dot(e.vectors().get(0), e.vectors().get(1));
        double unrelated = dot(e.vectors().get(0), e.vectors().get(2));
        assertThat(related).isGreaterThan(unrelated + 0.1);
        assertThat(dot(e.vectors().get(0), e.vectors().get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    private String sniffAndExtract(byte[] bytes, String name) throws Exception {
        String type = extractor.detect(new ByteArrayInputStream(bytes), name);
        assertThat(TextExtractor.supported(type)).as(type).isTrue();
        return extractor.extract(new ByteArrayInputStream(bytes), name, type, 100_000).text();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static byte[] pdf(String line) throws Exception {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                s.beginText();
                s.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                s.newLineAtOffset(72, 700);
                s.showText(line);
                s.endText();
            }
            doc.save(out);
            return out.toByteArray();
        }
    }

    static byte[] docx(String paragraph) throws Exception {
        try (XWPFDocument doc = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            doc.createParagraph().createRun().setText(paragraph);
            doc.write(out);
            return out.toByteArray();
        }
    }
}
