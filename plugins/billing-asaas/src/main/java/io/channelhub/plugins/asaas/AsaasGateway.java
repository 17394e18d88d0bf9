package io.channelhub.plugins.asaas;

import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.billing.BillingGateway;
import io.channelhub.plugin.billing.Charge;
import io.channelhub.plugin.billing.ChargeRequest;
import io.channelhub.plugin.billing.CustomerRequest;
import io.channelhub.plugin.billing.GatewayCustomer;
import io.channelhub.plugin.billing.GatewayDescriptor;
import io.channelhub.plugin.billing.GatewayException;
import io.channelhub.plugin.billing.GatewaySubscription;
import io.channelhub.plugin.billing.PaymentLink;
import io.channelhub.plugin.billing.PaymentLinkRequest;
import io.channelhub.plugin.billing.PaymentMethod;
import io.channelhub.plugin.billing.SubscriptionRequest;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Asaas API v3 as the hub's payment gateway (docs/billing.md, "Gateway contract" and "Recurring charges at the
 * gateway"). Creates are made safe to repeat by looking up the hub's id in {@code externalReference} first, because
 * Asaas itself allows duplicate customers, payments and subscriptions. Webhooks arrive on the gateway configuration's route and are accepted only with its token.
 */
@Extension
public class AsaasGateway implements BillingGateway {

    static final String ID = "asaas";

    // A webhook for no configuration has no context logger.
    private static final Logger LOG = LoggerFactory.getLogger(AsaasGateway.class);
    private static final String RECEIVED = "{\"received\":true}";

    private final RateLimitGate.Sleeper sleeper;
    /** Asaas counts the budget per account, and a gateway configuration is one account: one gate each. */
    private final Map<String, RateLimitGate> gates = new ConcurrentHashMap<>();

    /** The extension pf4j creates: waits sleep the calling thread. */
    public AsaasGateway() {
        this(RateLimitGate.THREAD_SLEEP);
    }

    AsaasGateway(RateLimitGate.Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    @Override
    public GatewayDescriptor descriptor() {
        return new GatewayDescriptor(ID, "Asaas", Set.of(PaymentMethod.PIX, PaymentMethod.BOLETO,
                PaymentMethod.CREDIT_CARD, PaymentMethod.UNDEFINED), AsaasSettings.SCHEMA);
    }

    // Customers --------------------------------------------------------------------------------------------------

    @Override
    public GatewayCustomer upsertCustomer(CustomerRequest request, PluginContext context) throws GatewayException {
        String cpfCnpj = TaxIds.normalised(request.taxId()).orElseThrow(() -> new GatewayException("invalid_tax_id",
                "not a valid CPF or CNPJ (check digits)", false));
        require(request.reference(), "reference");
        require(request.name(), "name");
        AsaasApi api = api(context);
        Optional<String> existing = firstLive(api.get("/customers", "externalReference", request.reference()))
                .flatMap(c -> Json.text(c, "id"));
        if (existing.isPresent()) {
            return new GatewayCustomer(existing.get(), request.reference());
        }
        Map<String, Object> created = api.post("/customers", AsaasRequests.customer(request.name(), cpfCnpj,
                request.email(), request.reference()));
        String id = Json.text(created, "id").orElseThrow(() -> new GatewayException("malformed_response",
                "Asaas created a customer without an id", true));
        return new GatewayCustomer(id, request.reference());
    }

    // Charges ----------------------------------------------------------------------------------------------------

    @Override
    public Charge createCharge(ChargeRequest request, PluginContext context) throws GatewayException {
        require(request.reference(), "reference");
        AsaasApi.segment(request.gatewayCustomerId());
        requireBrl(request.currency());
        requirePositive(request.amountMinor());
        AsaasSettings settings = AsaasSettings.of(context.settings());
        PaymentMethod method = request.method() != null ? request.method() : settings.defaultMethod();
        LocalDate dueDate = request.dueDate() != null ? request.dueDate()
                : LocalDate.now(context.clock().withZone(WebhookEvents.ASAAS_ZONE)).plusDays(settings.dueDays());
        AsaasApi api = api(context);

        Optional<Map<String, Object>> found = firstLive(api.get("/payments", "externalReference",
                request.reference()));
        AsaasPayment payment;
        if (found.isPresent()) {
            payment = AsaasPayment.fromAnswer(found.get());
            if (!request.gatewayCustomerId().equals(payment.customer())
                    || payment.valueMinor() != request.amountMinor()) {
                throw new GatewayException("reference_conflict", "Asaas payment " + payment.id() + " already has "
                        + "externalReference " + request.reference() + " with another customer or value", false);
            }
        } else {
            payment = AsaasPayment.fromAnswer(api.post("/payments", AsaasRequests.payment(
                    request.gatewayCustomerId(), method, request.amountMinor(), dueDate, request.description(),
                    request.reference(), request.cardToken())));
        }
        return payment.toCharge(payerData(api, payment));
    }

    /** What the payer needs beyond the payment object: the Pix QR code and the boleto's digitable line. */
    private static Map<String, String> payerData(AsaasApi api, AsaasPayment payment) throws GatewayException {
        Map<String, String> data = new LinkedHashMap<>();
        String type = String.valueOf(payment.billingType());
        String path = "/payments/" + AsaasApi.segment(payment.id());
        if (type.equals("PIX") || type.equals("UNDEFINED")) {
            Map<String, Object> qr = api.get(path + "/pixQrCode");
            Json.text(qr, "encodedImage").ifPresent(v -> data.put("pix_qr_code", v));
            Json.text(qr, "payload").ifPresent(v -> data.put("pix_copy_paste", v));
        }
        if (type.equals("BOLETO") || type.equals("UNDEFINED")) {
            Json.text(api.get(path + "/identificationField"), "identificationField")
                    .ifPresent(v -> data.put("boleto_digitable_line", v));
        }
        return data;
    }

    @Override
    public Charge getCharge(String gatewayChargeId, PluginContext context) throws GatewayException {
        return AsaasPayment.fromAnswer(api(context).get("/payments/" + AsaasApi.segment(gatewayChargeId)))
                .toCharge(Map.of());
    }

    @Override
    public void cancelCharge(String gatewayChargeId, PluginContext context) throws GatewayException {
        Map<String, Object> answer = api(context).delete("/payments/" + AsaasApi.segment(gatewayChargeId));
        if (!Json.isTrue(answer, "deleted")) {
            throw new GatewayException("not_deleted", "Asaas did not delete payment " + gatewayChargeId, false);
        }
    }

    @Override
    public Charge refundCharge(String gatewayChargeId, Long amountMinor, PluginContext context)
            throws GatewayException {
        if (amountMinor != null) {
            requirePositive(amountMinor);
        }
        return AsaasPayment.fromAnswer(api(context).post("/payments/" + AsaasApi.segment(gatewayChargeId)
                + "/refund", AsaasRequests.refund(amountMinor))).toCharge(Map.of());
    }

    @Override
    public PaymentLink createPaymentLink(PaymentLinkRequest request, PluginContext context) throws GatewayException {
        require(request.reference(), "reference");
        require(request.name(), "name");
        requireBrl(request.currency());
        requirePositive(request.amountMinor());
        if (request.method() == null || request.dueDateLimitDays() < 0) {
            throw new GatewayException("invalid_request", "a payment link needs a method and dueDateLimitDays >= 0",
                    false);
        }
        Map<String, Object> link = api(context).post("/paymentLinks", AsaasRequests.paymentLink(request));
        String id = Json.text(link, "id").orElse(null);
        String url = Json.text(link, "url").orElse(null);
        if (id == null || url == null) {
            throw new GatewayException("malformed_response", "Asaas created a payment link without id or url", true);
        }
        return new PaymentLink(id, url, request.reference());
    }

    // Subscriptions ----------------------------------------------------------------------------------------------

    /** Asaas refuses a longer subscription description. */
    static final int MAX_DESCRIPTION = 500;

    @Override
    public GatewaySubscription upsertSubscription(SubscriptionRequest request, PluginContext context)
            throws GatewayException {
        require(request.reference(), "reference");
        AsaasApi.segment(request.gatewayCustomerId());
        requireBrl(request.currency());
        requirePositive(request.amountMinor());
        if (request.cycle() == null) {
            throw new GatewayException("invalid_request", "cycle is required", false);
        }
        if (request.description() != null && request.description().length() > MAX_DESCRIPTION) {
            throw new GatewayException("invalid_request", "Asaas takes a description of at most " + MAX_DESCRIPTION
                    + " characters", false);
        }
        AsaasSettings settings = AsaasSettings.of(context.settings());
        PaymentMethod method = request.method() != null ? request.method() : settings.defaultMethod();
        LocalDate nextDueDate = request.nextDueDate() != null ? request.nextDueDate()
                : LocalDate.now(context.clock().withZone(WebhookEvents.ASAAS_ZONE)).plusDays(settings.dueDays());
        AsaasApi api = api(context);

        Optional<Map<String, Object>> found = firstLive(api.get("/subscriptions", "externalReference",
                request.reference()));
        if (found.isPresent()) {
            AsaasSubscription existing = AsaasSubscription.fromAnswer(found.get());
            Long value = existing.valueMinor();
            if (!request.gatewayCustomerId().equals(existing.customer()) || value == null
                    || value != request.amountMinor() || !request.cycle().name().equals(existing.cycle())) {
                throw new GatewayException("reference_conflict", "Asaas subscription " + existing.id() + " already "
                        + "has externalReference " + request.reference() + " with another customer, value or cycle",
                        false);
            }
            return existing.toGatewaySubscription(request.reference());
        }
        Map<String, Object> created = api.post("/subscriptions", AsaasRequests.subscription(
                request.gatewayCustomerId(), method, request.amountMinor(), nextDueDate, request.cycle(),
                request.description(), request.reference()));
        return AsaasSubscription.fromAnswer(created).toGatewaySubscription(request.reference());
    }

    @Override
    public void cancelSubscription(String gatewaySubscriptionId, PluginContext context) throws GatewayException {
        Map<String, Object> answer = api(context).delete("/subscriptions/" + AsaasApi.segment(gatewaySubscriptionId));
        if (!Json.isTrue(answer, "deleted")) {
            throw new GatewayException("not_deleted", "Asaas did not delete subscription " + gatewaySubscriptionId,
                    false);
        }
    }

    // Webhooks ---------------------------------------------------------------------------------------------------

    @Override
    public InboundResult handleWebhook(InboundRequest request, InboundScope scope) {
        if (!"POST".equals(request.method())) {
            return InboundResult.answerOnly(new HttpAnswer(405, null, null, Map.of("Allow", "POST")));
        }
        Optional<PluginContext> instance = scope.instance();
        if (instance.isEmpty()) {
            LOG.info("Refused an Asaas webhook on a route that names no gateway configuration");
            return InboundResult.answerOnly(HttpAnswer.status(404));
        }
        PluginContext context = instance.get();
        if (!WebhookTokens.matches(request.header(WebhookTokens.HEADER).orElse(null),
                AsaasSettings.of(context.settings()).webhookToken())) {
            context.logger().warn("Refused an Asaas webhook without the configured {}", WebhookTokens.HEADER);
            return InboundResult.answerOnly(HttpAnswer.status(401));
        }
        WebhookEvents.Parsed parsed = WebhookEvents.parse(request.body(), context.clock().instant());
        if (parsed instanceof WebhookEvents.Malformed m) {
            return InboundResult.answerOnly(HttpAnswer.text(400, m.reason()));
        }
        if (parsed instanceof WebhookEvents.Ignored i) {
            context.logger().debug("Acknowledged Asaas event {} without storing it: {}", i.event(), i.reason());
            return InboundResult.answerOnly(HttpAnswer.json(200, RECEIVED));
        }
        WebhookEvents.Accepted a = (WebhookEvents.Accepted) parsed;
        return InboundResult.accepted(HttpAnswer.json(200, RECEIVED),
                List.of(new InboundResult.BoundEvent(context, a.event())));
    }

    // Helpers ----------------------------------------------------------------------------------------------------

    private AsaasApi api(PluginContext context) {
        AsaasSettings settings = AsaasSettings.of(context.settings());
        String account = context.instance().map(PluginContext.InstanceInfo::id).orElse(context.tenantId());
        RateLimitGate gate = gates.computeIfAbsent(account, k -> new RateLimitGate(sleeper));
        return new AsaasApi(settings, context.http(), gate, context.clock());
    }

    /**
     * The first element of a list answer that is not deleted: Asaas may list removed objects with deleted true (a
     * subscription list leaves them out unless asked, but a filter the plugin does not send must not be relied on).
     */
    private static Optional<Map<String, Object>> firstLive(Map<String, Object> list) {
        return Json.list(list, "data").stream().map(Json::asObject).filter(o -> !Json.isTrue(o, "deleted"))
                .findFirst();
    }

    private static void require(String value, String field) throws GatewayException {
        if (value == null || value.isBlank()) {
            throw new GatewayException("invalid_request", field + " is required", false);
        }
    }

    private static void requirePositive(long amountMinor) throws GatewayException {
        if (amountMinor <= 0) {
            throw new GatewayException("invalid_amount", "the amount must be positive", false);
        }
    }

    /** Asaas charges in reais only. */
    private static void requireBrl(String currency) throws GatewayException {
        if (currency != null && !currency.equalsIgnoreCase("BRL")) {
            throw new GatewayException("unsupported_currency", "Asaas charges BRL only, not " + currency, false);
        }
    }
}
