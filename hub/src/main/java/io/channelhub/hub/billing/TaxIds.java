package io.channelhub.hub.billing;

/**
 * Brazilian tax ids: CPF (11 digits, people) and CNPJ (14 characters, companies), checked by their two check
 * digits. CNPJs issued since July 2026 may carry letters in their first 12 characters (each counts as its ASCII code
 * minus 48, as the Receita Federal specifies); the check digits stay numeric. Formatting (dots, dash, slash) is
 * accepted; a run of one repeated digit passes the arithmetic but is not issued, so it is refused.
 */
public final class TaxIds {

    private TaxIds() {
    }

    /** The digits of a valid CPF or CNPJ, or null. */
    public static String normalise(String value) {
        if (value == null || !value.matches("[0-9A-Za-z./\\- ]{11,20}")) {
            return null;
        }
        String d = value.replaceAll("[./\\- ]", "").toUpperCase(java.util.Locale.ROOT);
        boolean valid = d.length() == 11 ? d.matches("[0-9]{11}") && cpf(d)
                : d.length() == 14 && d.matches("[0-9A-Z]{12}[0-9]{2}") && cnpj(d);
        return valid ? d : null;
    }

    public static boolean isValid(String value) {
        return normalise(value) != null;
    }

    private static boolean cpf(String d) {
        if (d.chars().distinct().count() == 1) {
            return false;
        }
        return digit(d, 9, 10) == d.charAt(9) - '0' && digit(d, 10, 11) == d.charAt(10) - '0';
    }

    /** The CPF check digit over the first {@code n} digits, weights {@code firstWeight} down to 2. */
    private static int digit(String d, int n, int firstWeight) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (d.charAt(i) - '0') * (firstWeight - i);
        }
        int r = (sum * 10) % 11;
        return r == 10 ? 0 : r;
    }

    private static boolean cnpj(String d) {
        if (d.chars().distinct().count() == 1) {
            return false;
        }
        int[] w1 = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
        int[] w2 = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
        return cnpjDigit(d, w1) == d.charAt(12) - '0' && cnpjDigit(d, w2) == d.charAt(13) - '0';
    }

    private static int cnpjDigit(String d, int[] weights) {
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += (d.charAt(i) - '0') * weights[i];
        }
        int r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }
}
