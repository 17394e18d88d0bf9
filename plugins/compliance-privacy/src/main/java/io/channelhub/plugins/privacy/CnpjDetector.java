package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CNPJ, a Brazilian company's taxpayer number, numeric ({@code 11.222.333/0001-81}, {@code 11222333000181}) or
 * alphanumeric as issued since July 2026 ({@code 12.ABC.345/01DE-35}, {@code 12ABC34501DE35}). Reported only when
 * both check digits are right. Letters must be upper case, as the Receita Federal prints them, unless the number is
 * fully punctuated: a bare fourteen-character token in lower case is far more often an identifier of some system
 * than a CNPJ someone typed. Not when part of a longer number or word, after a {@code +}, or inside an e-mail address.
 */
final class CnpjDetector implements PiiDetector {

    static final String TYPE = "cnpj";

    private static final int FULLY_PUNCTUATED_LENGTH = "12.ABC.345/01DE-35".length();
    private static final Pattern CNPJ = Pattern.compile(
            "(?<![\\p{L}\\p{N}+])(?<![\\p{L}\\p{N}][.\\-/])"
                    + "([0-9A-Za-z]{2})\\.?([0-9A-Za-z]{3})\\.?([0-9A-Za-z]{3})/?([0-9A-Za-z]{4})-?([0-9]{2})"
                    + "(?![\\p{L}\\p{N}])(?![.\\-/]\\p{N})");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<PiiMatch> find(CharSequence text) {
        List<PiiMatch> found = new ArrayList<>();
        Matcher m = CNPJ.matcher(text);
        while (m.find()) {
            String chars = m.group(1) + m.group(2) + m.group(3) + m.group(4) + m.group(5);
            String upper = chars.toUpperCase(Locale.ROOT);
            boolean caseAccepted = upper.equals(chars) || m.end() - m.start() == FULLY_PUNCTUATED_LENGTH;
            if (caseAccepted && CheckDigits.isCnpj(upper)
                    && !EmailDetector.withinAddress(text, m.start(), m.end())) {
                found.add(new PiiMatch(TYPE, m.start(), m.end()));
            }
        }
        return found;
    }
}
