package io.channelhub.plugins.privacy;

/**
 * The arithmetic that separates a real CPF, CNPJ or card number from digits of the same shape. Each check fails
 * closed: wrong length or a character outside the alphabet is simply "not one".
 */
final class CheckDigits {

    private static final int[] CPF_FIRST = {10, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final int[] CPF_SECOND = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final int[] CNPJ_FIRST = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
    private static final int[] CNPJ_SECOND = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};

    private CheckDigits() {
    }

    /** Eleven digits whose last two are the mod-11 check digits of the first nine. */
    static boolean isCpf(CharSequence digits) {
        if (digits.length() != 11 || !allIn(digits, 0, 11, false) || oneRepeatedChar(digits)) {
            return false;
        }
        return mod11(digits, CPF_FIRST) == digits.charAt(9) - '0'
                && mod11(digits, CPF_SECOND) == digits.charAt(10) - '0';
    }

    /**
     * Fourteen characters, the first twelve digits or upper-case letters (the alphanumeric CNPJ issued since July
     * 2026), the last two the mod-11 check digits. A letter counts as its ASCII code minus 48 (A = 17), which keeps
     * every numeric CNPJ's check digits unchanged.
     */
    static boolean isCnpj(CharSequence chars) {
        if (chars.length() != 14 || !allIn(chars, 0, 12, true) || !allIn(chars, 12, 14, false)
                || oneRepeatedChar(chars)) {
            return false;
        }
        return mod11(chars, CNPJ_FIRST) == chars.charAt(12) - '0'
                && mod11(chars, CNPJ_SECOND) == chars.charAt(13) - '0';
    }

    /** Digits whose Luhn (mod-10) sum is a multiple of ten, as every payment card number's is. */
    static boolean passesLuhn(CharSequence digits) {
        if (digits.length() == 0 || !allIn(digits, 0, digits.length(), false)) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** The mod-11 digit over the first {@code weights.length} characters: 0 when the remainder is below 2. */
    private static int mod11(CharSequence s, int[] weights) {
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += (s.charAt(i) - '0') * weights[i];
        }
        int r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    private static boolean allIn(CharSequence s, int from, int to, boolean lettersToo) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (lettersToo && c >= 'A' && c <= 'Z');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 000.000.000-00 and 11.111.111/1111-11 pass the arithmetic but are no one's id. */
    private static boolean oneRepeatedChar(CharSequence s) {
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) != s.charAt(0)) {
                return false;
            }
        }
        return true;
    }
}
