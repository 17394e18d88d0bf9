package io.channelhub.plugin.billing;

/**
 * A failed gateway call.
 *
 * <pre>{@code
 * throw new GatewayException("invalid_cpfCnpj", "CPF/CNPJ inválido", false);
 * }</pre>
 */
public class GatewayException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final boolean retryable;

    /** A failure with the gateway's code; {@code retryable} when repeating the call may succeed. */
    public GatewayException(String code, String message, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    /** The gateway's error code. */
    public String code() {
        return code;
    }

    /** Whether the hub may retry. */
    public boolean retryable() {
        return retryable;
    }
}
