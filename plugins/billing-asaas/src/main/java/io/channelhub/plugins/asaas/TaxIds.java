package io.channelhub.plugins.asaas;

import java.util.Locale;
import java.util.Optional;

/**
 * Brazilian taxpayer ids: the CPF of a person (11 digits) and the CNPJ of a company (14 characters), each ending in
 * two mod-11 check digits. Since July 2026 the Receita Federal also issues alphanumeric CNPJs: the first 12
 * characters may be letters A-Z, which count as their ASCII code minus 48 (A = 17), so numeric CNPJs keep their check
 * digits. Asaas refuses an invalid {@code cpfCnpj}; checking here spares a call and gives a stable code.
 */
final class TaxIds {

    private static final int[] CPF_FIRST = {10, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final int[] CPF_SECOND = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final int[] CNPJ_FIRST = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final int[] CNPJ_SECOND = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};

    private TaxIds() {
    }

    /**
     * The id as Asaas wants it in {@code cpfCnpj} (digits, and upper-case letters for an alphanumeric CNPJ), when it
     * is a valid CPF or CNPJ. Accepts the usual punctuation: {@code 529.982.247-25}, {@code 11.222.333/0001-81}.
     */
    static Optional<String> normalised(String input) {
        if (input == null) {
            return Optional.empty();
        }
        String s = input.strip().replaceAll("[.\\-/ ]", "").toUpperCase(Locale.ROOT);
        return isValidCpf(s) || isValidCnpj(s) ? Optional.of(s) : Optional.empty();
    }

    static boolean isValid(String input) {
        return normalised(input).isPresent();
    }

    private static boolean isValidCpf(String s) {
        if (!s.matches("[0-9]{11}") || allSame(s)) {
            return false;
        }
        return checkDigit(s, CPF_FIRST) == s.charAt(9) - '0' && checkDigit(s, CPF_SECOND) == s.charAt(10) - '0';
    }

    private static boolean isValidCnpj(String s) {
        if (!s.matches("[0-9A-Z]{12}[0-9]{2}") || allSame(s)) {
            return false;
        }
        return checkDigit(s, CNPJ_FIRST) == s.charAt(12) - '0' && checkDigit(s, CNPJ_SECOND) == s.charAt(13) - '0';
    }

    /** The mod-11 digit over the first {@code weights.length} characters: 0 when the remainder is below 2. */
    private static int checkDigit(String s, int[] weights) {
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += (s.charAt(i) - '0') * weights[i];
        }
        int r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    /** 000.000.000-00 and 111.111.111-11 pass the arithmetic but are no one's id. */
    private static boolean allSame(String s) {
        return s.chars().allMatch(c -> c == s.charAt(0));
    }
}
