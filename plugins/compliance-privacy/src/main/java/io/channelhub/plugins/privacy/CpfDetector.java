package io.channelhub.plugins.privacy;

import io.channelhub.plugin.privacy.PiiDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPF, a Brazilian person's taxpayer number: {@code 529.982.247-25}, {@code 52998224725} or partly punctuated
 * ({@code 529982247-25}). Reported only when both check digits are right and the digits are not one repeated digit.
 * Not when it is part of a longer number or word, follows a {@code +} (then it is an international phone number) or
 * is inside an e-mail address.
 */
final class CpfDetector implements PiiDetector {

    static final String TYPE = "cpf";

    private static final Pattern CPF = Pattern.compile(
            "(?<![\\p{L}\\p{N}+])(?<!\\p{N}[.\\-/])"
                    + "([0-9]{3})\\.?([0-9]{3})\\.?([0-9]{3})-?([0-9]{2})"
                    + "(?![\\p{L}\\p{N}])(?![.\\-/]\\p{N})");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<PiiMatch> find(CharSequence text) {
        List<PiiMatch> found = new ArrayList<>();
        Matcher m = CPF.matcher(text);
        while (m.find()) {
            String digits = m.group(1) + m.group(2) + m.group(3) + m.group(4);
            if (CheckDigits.isCpf(digits) && !EmailDetector.withinAddress(text, m.start(), m.end())) {
                found.add(new PiiMatch(TYPE, m.start(), m.end()));
            }
        }
        return found;
    }
}
