package io.channelhub.plugins.asaas;

import io.channelhub.plugin.billing.PaymentLinkRequest;
import io.channelhub.plugin.billing.PaymentMethod;
import io.channelhub.plugin.billing.SubscriptionRequest;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON bodies of the Asaas calls in docs/billing.md, "Gateway contract". Absent optional fields are left out. */
final class AsaasRequests {

    private AsaasRequests() {
    }

    /** {@code POST /customers}: {@code cpfCnpj} already normalised by {@link TaxIds}. */
    static String customer(String name, String cpfCnpj, String email, String externalReference) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("name", name);
        b.put("cpfCnpj", cpfCnpj);
        putIfPresent(b, "email", email);
        b.put("externalReference", externalReference);
        return Json.write(b);
    }

    /** {@code POST /payments}; {@code cardToken} only for CREDIT_CARD. */
    static String payment(String customer, PaymentMethod method, long amountMinor, LocalDate dueDate,
                          String description, String externalReference, String cardToken) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("customer", customer);
        b.put("billingType", method.name());
        b.put("value", Reais.fromMinor(amountMinor));
        b.put("dueDate", dueDate.toString());
        putIfPresent(b, "description", description);
        b.put("externalReference", externalReference);
        if (method == PaymentMethod.CREDIT_CARD) {
            putIfPresent(b, "creditCardToken", cardToken);
        }
        return Json.write(b);
    }

    /** {@code POST /payments/{id}/refund}: no value refunds the whole payment. */
    static String refund(Long amountMinor) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (amountMinor != null) {
            b.put("value", Reais.fromMinor(amountMinor));
        }
        return Json.write(b);
    }

    /** {@code POST /subscriptions}: a charge of {@code amountMinor} every cycle from {@code nextDueDate}. */
    static String subscription(String customer, PaymentMethod method, long amountMinor, LocalDate nextDueDate,
                               SubscriptionRequest.Cycle cycle, String description, String externalReference) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("customer", customer);
        b.put("billingType", method.name());
        b.put("value", Reais.fromMinor(amountMinor));
        b.put("nextDueDate", nextDueDate.toString());
        b.put("cycle", cycle.name());
        putIfPresent(b, "description", description);
        b.put("externalReference", externalReference);
        return Json.write(b);
    }

    /** {@code POST /paymentLinks}: a one-off charge ({@code DETACHED}) of a fixed value. */
    static String paymentLink(PaymentLinkRequest request) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("name", request.name());
        b.put("billingType", request.method().name());
        b.put("chargeType", "DETACHED");
        b.put("value", Reais.fromMinor(request.amountMinor()));
        b.put("dueDateLimitDays", request.dueDateLimitDays());
        b.put("externalReference", request.reference());
        return Json.write(b);
    }

    private static void putIfPresent(Map<String, Object> b, String name, String value) {
        if (value != null && !value.isBlank()) {
            b.put(name, value);
        }
    }
}
