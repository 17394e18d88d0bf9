package io.channelhub.hub.knowledge;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The header a passage is embedded under: its document's title and the section heading above it. */
final class Context {

    private static final Pattern MARKDOWN = Pattern.compile("#{1,6}\\s+(.{1,120})");
    private static final Pattern BULLET = Pattern.compile("[-*•|>+].*");
    /** How far back a heading is looked for, in characters. */
    private static final int REACH = 6000;

    private Context() {
    }

    /** A file name as a title: no extension, separators as spaces ("aurora-lojas_horarios.txt": "aurora lojas horarios"). */
    static String titleOf(String filename) {
        String base = filename == null ? "" : filename.replaceAll("\\.[A-Za-z0-9]{1,5}$", "");
        return base.replaceAll("[-_]+", " ").strip();
    }

    /** "title: section\n\n" for a passage starting at {@code start} of {@code text}. */
    static String header(String title, String text, int start) {
        String section = sectionBefore(text, start);
        StringBuilder b = new StringBuilder();
        if (title != null && !title.isBlank()) {
            b.append(title.strip());
        }
        if (section != null && (title == null || !section.toLowerCase(Locale.ROOT).equals(title.strip()
                .toLowerCase(Locale.ROOT)))) {
            b.append(b.length() > 0 ? ": " : "").append(section);
        }
        return b.length() == 0 ? "" : b.append("\n\n").toString();
    }

    /**
     * The nearest heading in the whole lines before the passage's own line: a Markdown heading, a line in capitals
     * ("1. LOJA BATEL"), or a short line on its own after a blank line that does not end a sentence ("Horários e
     * prazos"), which is how HTML headings come out of text extraction.
     */
    static String sectionBefore(String text, int start) {
        int end = text.lastIndexOf('\n', Math.max(0, Math.min(start, text.length()) - 1));
        int floor = Math.max(0, end - REACH);
        while (end > floor) {
            int lineStart = text.lastIndexOf('\n', end - 1) + 1;
            String line = text.substring(lineStart, end).strip();
            boolean afterBlank = lineStart == 0 || lineStart >= 2 && text.charAt(lineStart - 2) == '\n';
            if (isHeading(line, afterBlank)) {
                Matcher m = MARKDOWN.matcher(line);
                return m.matches() ? m.group(1).strip() : line;
            }
            end = lineStart - 1;
        }
        return null;
    }

    static boolean isHeading(String line, boolean afterBlank) {
        if (line.isEmpty() || line.length() > 120) {
            return false;
        }
        if (MARKDOWN.matcher(line).matches()) {
            return true;
        }
        if (BULLET.matcher(line).matches()) {
            return false;
        }
        long letters = line.chars().filter(Character::isLetter).count();
        boolean capitals = letters >= 3 && line.chars().noneMatch(Character::isLowerCase);
        if (capitals) {
            return true;
        }
        char last = line.charAt(line.length() - 1);
        return afterBlank && line.length() <= 80 && last != '.' && last != '!' && last != '?' && last != ';'
                && last != ',' && !line.contains(". ");
    }
}
