package io.channelhub.plugin.privacy;

import java.util.List;

/**
 * Finds one kind of personal data in text. Implementations must be pure and fast: the hub runs them on log lines.
 *
 * <pre>{@code
 * List<PiiMatch> hits = cpfDetector.find("meu CPF é 529.982.247-25");
 * }</pre>
 */
public interface PiiDetector {

    /** The kind found ({@code email}, {@code cpf}, {@code card}, ...). */
    String type();

    /** Every occurrence, in text order. */
    List<PiiMatch> find(CharSequence text);

    /**
     * One occurrence.
     *
     * @param type  the kind
     * @param start index of the first char
     * @param end   index after the last char
     */
    record PiiMatch(String type, int start, int end) {
    }
}
