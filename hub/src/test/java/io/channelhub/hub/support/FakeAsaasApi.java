package io.channelhub.hub.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Asaas API v3 as the {@code billing-asaas} plugin uses it (docs/billing.md, "Gateway
 * contract"). It checks every request against Asaas's documented shapes — the {@code access_token} header is the
 * configured key, a {@code User-Agent} is sent, a GET has no body, POST bodies are JSON with the required fields, a
 * {@code value} is a JSON number of reais with at most two decimals, {@code billingType} is one Asaas knows,
 * {@code cpfCnpj} is a CPF or CNPJ with valid check digits, {@code dueDate} is {@code yyyy-MM-dd} — and records what
 * does not fit in {@link #problems()}; a subscription also needs {@code nextDueDate} as {@code yyyy-MM-dd} and a
 * {@code cycle} Asaas knows (the contract's MONTHLY or YEARLY). It keeps customers, payments and subscriptions in
 * memory and answers with Asaas's documented objects: lists as
 * {@code {"object":"list","hasMore","totalCount","limit","offset","data"}}, the Pix QR code, the boleto's digitable
 * line, refunds, removals, payment links and subscriptions (a subscription list leaves removed ones out unless asked
 * with {@code includeDeleted} or {@code deletedOnly}). A test can move a payment or a subscription to another status (a
 * reconciliation test), generate the payment Asaas would create for a subscription's next cycle, script failures (429
 * with rate-limit headers, 500, a 400 error body), make an answer spend the rate-limit budget, and build the webhook
 * Asaas would POST for a stored payment or subscription.
 *
 * <pre>{@code
 * try (FakeAsaasApi asaas = new FakeAsaasApi("$aact_test_key")) {
 *     ... gateway settings base_url = asaas.baseUrl(), api_key = "$aact_test_key" ...
 *     asaas.setPaymentStatus("pay_080225913252", "RECEIVED");
 *     String body = asaas.paymentWebhook("evt_1", "PAYMENT_RECEIVED", "pay_080225913252");
 *     ... POST body to /hooks/gateways/{id} with header FakeAsaasApi.WEBHOOK_TOKEN_HEADER ...
 *     String paymentId = asaas.generateSubscriptionPayment("sub_000000000001");
 *     String inactivated = asaas.subscriptionWebhook("evt_2", "SUBSCRIPTION_INACTIVATED", "sub_000000000001");
 *     assertThat(asaas.problems()).isEmpty();
 * }
 * }</pre>
 */
public final class FakeAsaasApi implements AutoCloseable {

    /** The header Asaas sends the webhook's authentication token in. */
    public static final String WEBHOOK_TOKEN_HEADER = "asaas-access-token";

    // Exact decimals both ways: a value is money, and 99.00 must stay 99.00 on the wire.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    private static final String PREFIX = "/v3";
    private static final ZoneId BRASILIA = ZoneId.of("America/Sao_Paulo");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Set<String> BILLING_TYPES = Set.of("UNDEFINED", "BOLETO", "CREDIT_CARD", "PIX");
    private static final Set<String> CHARGE_TYPES = Set.of("DETACHED", "RECURRENT", "INSTALLMENT");
    /** The statuses of {@code GET /v3/payments/{id}} that Asaas documents. */
    private static final Set<String> STATUSES = Set.of("PENDING", "RECEIVED", "CONFIRMED", "OVERDUE", "REFUNDED",
            "RECEIVED_IN_CASH", "REFUND_REQUESTED", "REFUND_IN_PROGRESS", "CHARGEBACK_REQUESTED",
            "CHARGEBACK_DISPUTE", "AWAITING_CHARGEBACK_REVERSAL", "DUNNING_REQUESTED", "DUNNING_RECEIVED",
            "AWAITING_RISK_ANALYSIS");
    private static final Set<String> PAID = Set.of("RECEIVED", "CONFIRMED", "RECEIVED_IN_CASH");
    /** The cycles of {@code POST /v3/subscriptions} that Asaas documents; the contract uses MONTHLY and YEARLY. */
    private static final Set<String> CYCLES = Set.of("WEEKLY", "BIWEEKLY", "MONTHLY", "BIMONTHLY", "QUARTERLY",
            "SEMIANNUALLY", "YEARLY");
    private static final Set<String> CONTRACT_CYCLES = Set.of("MONTHLY", "YEARLY");
    private static final Set<String> SUBSCRIPTION_STATUSES = Set.of("ACTIVE", "INACTIVE", "EXPIRED");
    private static final int MAX_SUBSCRIPTION_DESCRIPTION = 500;
    /** The webhook's copy of a subscription writes its dates so, unlike the API's yyyy-MM-dd. */
    private static final DateTimeFormatter WEBHOOK_DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ID_SEGMENT = Pattern.compile("[A-Za-z0-9_\\-]+");

    private final String apiKey;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    // Guarded by this: the store, the scripts and the id counters.
    private final Map<String, ObjectNode> customers = new LinkedHashMap<>();
    private final Map<String, ObjectNode> payments = new LinkedHashMap<>();
    private final Map<String, ObjectNode> paymentLinks = new LinkedHashMap<>();
    private final Map<String, ObjectNode> subscriptions = new LinkedHashMap<>();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private int spendBudgetOnNext;
    /** How long every answer takes, like a slow gateway: what widens the window for concurrent callers. */
    private volatile java.time.Duration slowness = java.time.Duration.ZERO;
    private int spendBudgetResetSeconds;
    private long customerIds = 5219612;
    private long paymentIds = 80225913251L;
    private long linkIds = 725104409742L;
    private long subscriptionIds = 0;

    // Types ------------------------------------------------------------------------------------------------------

    /**
     * One request as it arrived.
     *
     * @param method       the HTTP method
     * @param path         the path, e.g. {@code /v3/payments/pay_080225913252/pixQrCode}
     * @param query        the raw query, or null
     * @param headers      the request headers
     * @param body         the raw body
     * @param arrivedNanos {@link System#nanoTime()} on arrival, for pacing assertions
     */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                          long arrivedNanos) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON; a missing node when it is not JSON. */
        public JsonNode json() {
            return parse(body);
        }

        /** {@code POST /v3/payments}: a charge being created. */
        public boolean isPaymentCreation() {
            return "POST".equals(method) && (PREFIX + "/payments").equals(path);
        }

        /** {@code POST /v3/subscriptions}: a recurring charge being created. */
        public boolean isSubscriptionCreation() {
            return "POST".equals(method) && (PREFIX + "/subscriptions").equals(path);
        }
    }

    /**
     * A scripted answer that replaces the next documented one.
     *
     * @param status  the HTTP status
     * @param body    the JSON body, possibly empty
     * @param headers extra headers (the rate-limit ones)
     */
    public record Failure(int status, String body, Map<String, String> headers) {
    }

    // Life cycle -------------------------------------------------------------------------------------------------

    /**
     * Starts the fake on 127.0.0.1 and a random port.
     *
     * @param apiKey the key every request must carry in {@code access_token}
     */
    public FakeAsaasApi(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-asaas-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The {@code base_url} setting for this fake, {@code /v3} included as in Asaas's own URLs. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX;
    }

    /** Every request, in arrival order. */
    public List<Request> requests() {
        return requests;
    }

    /** The {@code POST /v3/payments} requests, in arrival order. */
    public List<Request> paymentCreations() {
        return requests.stream().filter(Request::isPaymentCreation).toList();
    }

    /** The {@code POST /v3/subscriptions} requests, in arrival order. */
    public List<Request> subscriptionCreations() {
        return requests.stream().filter(Request::isSubscriptionCreation).toList();
    }

    /** Requests that did not follow the documented shapes; a test asserts it is empty. */
    public List<String> problems() {
        return problems;
    }

    /** Forgets requests, problems, scripts, customers, payments, links and subscriptions; ids keep counting. */
    public synchronized void reset() {
        slowness = java.time.Duration.ZERO;
        requests.clear();
        problems.clear();
        failures.clear();
        customers.clear();
        payments.clear();
        paymentLinks.clear();
        subscriptions.clear();
        spendBudgetOnNext = 0;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // State ------------------------------------------------------------------------------------------------------

    /** A stored customer as Asaas would answer it, or null. */
    public synchronized JsonNode customer(String id) {
        ObjectNode c = customers.get(id);
        return c == null ? null : c.deepCopy();
    }

    /** The stored customers, in creation order. */
    public synchronized List<JsonNode> customers() {
        return customers.values().stream().map(c -> (JsonNode) c.deepCopy()).toList();
    }

    /** A stored payment as Asaas would answer it, or null. */
    public synchronized JsonNode payment(String id) {
        ObjectNode p = payments.get(id);
        return p == null ? null : p.deepCopy();
    }

    /** The stored payments, in creation order. */
    public synchronized List<JsonNode> payments() {
        return payments.values().stream().map(p -> (JsonNode) p.deepCopy()).toList();
    }

    /**
     * Moves a stored payment to a status, as the payer or time would at Asaas: RECEIVED, CONFIRMED and
     * RECEIVED_IN_CASH also set today's payment dates.
     */
    public synchronized FakeAsaasApi setPaymentStatus(String paymentId, String status) {
        ObjectNode p = payments.get(paymentId);
        if (p == null) {
            throw new IllegalArgumentException("no payment " + paymentId);
        }
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("Asaas has no payment status " + status);
        }
        p.put("status", status);
        if (PAID.contains(status)) {
            String today = LocalDate.now(BRASILIA).toString();
            p.put("confirmedDate", today).put("paymentDate", today).put("clientPaymentDate", today);
        }
        return this;
    }

    /** Marks a stored payment removed, as a removal in Asaas's web app would. */
    public synchronized FakeAsaasApi markPaymentDeleted(String paymentId) {
        ObjectNode p = payments.get(paymentId);
        if (p == null) {
            throw new IllegalArgumentException("no payment " + paymentId);
        }
        p.put("deleted", true);
        return this;
    }

    /** A stored subscription as Asaas would answer it, or null. */
    public synchronized JsonNode subscription(String id) {
        ObjectNode s = subscriptions.get(id);
        return s == null ? null : s.deepCopy();
    }

    /** The stored subscriptions, removed ones included, in creation order. */
    public synchronized List<JsonNode> subscriptions() {
        return subscriptions.values().stream().map(s -> (JsonNode) s.deepCopy()).toList();
    }

    /**
     * Moves a stored subscription to ACTIVE, INACTIVE (as a suspension in Asaas's web app would) or EXPIRED (as its
     * endDate or maxPayments would).
     */
    public synchronized FakeAsaasApi setSubscriptionStatus(String subscriptionId, String status) {
        ObjectNode s = subscriptions.get(subscriptionId);
        if (s == null) {
            throw new IllegalArgumentException("no subscription " + subscriptionId);
        }
        if (!SUBSCRIPTION_STATUSES.contains(status)) {
            throw new IllegalArgumentException("Asaas has no subscription status " + status);
        }
        s.put("status", status);
        return this;
    }

    /**
     * Creates the payment Asaas generates for a subscription's next cycle: {@code subscription} names it, and
     * customer, value, billingType, description and externalReference are the subscription's, due on its
     * {@code nextDueDate}, which then moves one cycle on. Asaas does this by itself (the first at once, the next ones
     * ahead of their due date); here a test decides when.
     *
     * @return the new payment's id
     */
    public synchronized String generateSubscriptionPayment(String subscriptionId) {
        ObjectNode s = subscriptions.get(subscriptionId);
        if (s == null) {
            throw new IllegalArgumentException("no subscription " + subscriptionId);
        }
        if (s.path("deleted").asBoolean() || !s.path("status").asText().equals("ACTIVE")) {
            throw new IllegalArgumentException("Asaas generates no payment for a subscription that is removed or "
                    + s.path("status").asText());
        }
        LocalDate due = LocalDate.parse(s.path("nextDueDate").asText());
        ObjectNode p = newPayment(s.path("customer").asText(), s.path("billingType").asText(),
                s.path("value").decimalValue(), due.toString(), text(s, "description"), text(s, "externalReference"),
                "PENDING");
        p.put("subscription", subscriptionId);
        s.put("nextDueDate", nextCycle(due, s.path("cycle").asText()).toString());
        return p.path("id").asText();
    }

    private static LocalDate nextCycle(LocalDate d, String cycle) {
        return switch (cycle) {
            case "WEEKLY" -> d.plusWeeks(1);
            case "BIWEEKLY" -> d.plusWeeks(2);
            case "BIMONTHLY" -> d.plusMonths(2);
            case "QUARTERLY" -> d.plusMonths(3);
            case "SEMIANNUALLY" -> d.plusMonths(6);
            case "YEARLY" -> d.plusYears(1);
            default -> d.plusMonths(1);
        };
    }

    // Scripting --------------------------------------------------------------------------------------------------

    /** Every answer from now on takes {@code delay} (zero: as fast as it can). */
    public FakeAsaasApi answerAfter(java.time.Duration delay) {
        slowness = delay;
        return this;
    }

    /** The next {@code count} requests, whatever they are, answer with the failure instead. */
    public synchronized FakeAsaasApi failNext(int count, Failure failure) {
        for (int i = 0; i < count; i++) {
            failures.add(failure);
        }
        return this;
    }

    /** The next {@code count} answers say the rate-limit budget is spent until {@code resetSeconds} from now. */
    public synchronized FakeAsaasApi spendBudgetOnNext(int count, int resetSeconds) {
        spendBudgetOnNext = count;
        spendBudgetResetSeconds = resetSeconds;
        return this;
    }

    /** A 429 as Asaas answers a spent rate limit: {@code RateLimit-Remaining: 0} and the seconds to the reset. */
    public static Failure rateLimited(int resetSeconds) {
        return new Failure(429, "", Map.of("RateLimit-Limit", "100", "RateLimit-Remaining", "0",
                "RateLimit-Reset", String.valueOf(resetSeconds)));
    }

    /** A 500 ("Something went wrong on the Asaas server"). */
    public static Failure serverError() {
        return new Failure(500, "", Map.of());
    }

    /** A 400 with Asaas's documented error body {@code {"errors":[{"code","description"}]}}. */
    public static Failure badRequest(String code, String description) {
        return new Failure(400, errors(code, description), Map.of());
    }

    // Webhooks ---------------------------------------------------------------------------------------------------

    /**
     * The body Asaas POSTs for an event of a stored payment, {@code {"id","event","dateCreated","payment"}}, with
     * the payment as it is now and {@code dateCreated} in Brasília time as Asaas writes it.
     */
    public String paymentWebhook(String eventId, String event, String paymentId) {
        return paymentWebhook(eventId, event, paymentId, LocalDateTime.now(BRASILIA));
    }

    /** {@link #paymentWebhook(String, String, String)} with a given {@code dateCreated} (Brasília time). */
    public synchronized String paymentWebhook(String eventId, String event, String paymentId,
                                              LocalDateTime dateCreated) {
        ObjectNode p = payments.get(paymentId);
        if (p == null) {
            throw new IllegalArgumentException("no payment " + paymentId);
        }
        ObjectNode root = JSON.createObjectNode().put("id", eventId).put("event", event)
                .put("dateCreated", dateCreated.format(DATE_TIME));
        root.set("payment", p.deepCopy());
        return root.toString();
    }

    /**
     * The body Asaas POSTs for an event of a stored subscription ({@code SUBSCRIPTION_CREATED}, {@code _UPDATED},
     * {@code _INACTIVATED}, {@code _DELETED}, ...), {@code {"id","event","dateCreated","subscription"}}, with the
     * subscription as it is now; as in Asaas's documented example its {@code dateCreated} and {@code nextDueDate} are
     * written {@code dd/MM/yyyy} there.
     */
    public String subscriptionWebhook(String eventId, String event, String subscriptionId) {
        return subscriptionWebhook(eventId, event, subscriptionId, LocalDateTime.now(BRASILIA));
    }

    /** {@link #subscriptionWebhook(String, String, String)} with a given {@code dateCreated} (Brasília time). */
    public synchronized String subscriptionWebhook(String eventId, String event, String subscriptionId,
                                                   LocalDateTime dateCreated) {
        ObjectNode s = subscriptions.get(subscriptionId);
        if (s == null) {
            throw new IllegalArgumentException("no subscription " + subscriptionId);
        }
        ObjectNode copy = s.deepCopy();
        for (String field : List.of("dateCreated", "nextDueDate", "endDate")) {
            if (copy.path(field).isTextual()) {
                copy.put(field, LocalDate.parse(copy.get(field).asText()).format(WEBHOOK_DATE));
            }
        }
        ObjectNode root = JSON.createObjectNode().put("id", eventId).put("event", event)
                .put("dateCreated", dateCreated.format(DATE_TIME));
        root.set("subscription", copy);
        return root.toString();
    }

    // Handling ---------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime();
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            requests.add(new Request(method, path, query, Map.copyOf(ex.getRequestHeaders()), body, arrived));
            String where = method + " " + path;
            if (!checkHeaders(ex, where, method, body)) {
                answer(ex, 401, "", Map.of());
                return;
            }
            if ("GET".equals(method) && body.length > 0) {
                // Asaas documents a 403 from CloudFront for a GET with a body.
                problems.add(where + ": a GET must be sent with an empty body");
                answer(ex, 403, "", Map.of());
                return;
            }
            Failure scripted;
            synchronized (this) {
                scripted = failures.poll();
            }
            if (scripted != null) {
                answer(ex, scripted.status(), scripted.body(), scripted.headers());
                return;
            }
            if (!slowness.isZero()) {
                try {
                    Thread.sleep(slowness.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer a = route(where, method, path, query, body);
            answer(ex, a.status(), a.body(), budgetHeaders());
        } catch (RuntimeException e) {
            problems.add("fake failed on a request: " + e);
            ex.sendResponseHeaders(500, -1);
        }
    }

    private record Answer(int status, String body) {
    }

    private Answer route(String where, String method, String path, String query, byte[] body) {
        if (!path.startsWith(PREFIX + "/")) {
            problems.add(where + ": path does not start with " + PREFIX);
            return notFound();
        }
        String[] parts = path.substring(PREFIX.length() + 1).split("/");
        for (String part : parts) {
            if (!ID_SEGMENT.matcher(part).matches()) {
                problems.add(where + ": unexpected path segment " + part);
                return notFound();
            }
        }
        Map<String, String> q = query(query);
        String resource = parts[0];
        if (resource.equals("customers") && parts.length == 1 && method.equals("GET")) {
            return list(customers, q, "externalReference", "cpfCnpj");
        }
        if (resource.equals("customers") && parts.length == 1 && method.equals("POST")) {
            return createCustomer(where, body);
        }
        if (resource.equals("customers") && parts.length == 2 && method.equals("GET")) {
            return one(customers, parts[1]);
        }
        if (resource.equals("payments") && parts.length == 1 && method.equals("GET")) {
            return list(payments, q, "externalReference", "customer", "status", "billingType");
        }
        if (resource.equals("payments") && parts.length == 1 && method.equals("POST")) {
            return createPayment(where, body);
        }
        if (resource.equals("payments") && parts.length == 2 && method.equals("GET")) {
            return one(payments, parts[1]);
        }
        if (resource.equals("payments") && parts.length == 2 && method.equals("DELETE")) {
            return deletePayment(parts[1]);
        }
        if (resource.equals("payments") && parts.length == 3 && method.equals("GET")
                && parts[2].equals("pixQrCode")) {
            return pixQrCode(parts[1]);
        }
        if (resource.equals("payments") && parts.length == 3 && method.equals("GET")
                && parts[2].equals("identificationField")) {
            return identificationField(parts[1]);
        }
        if (resource.equals("payments") && parts.length == 3 && method.equals("POST") && parts[2].equals("refund")) {
            return refund(where, parts[1], body);
        }
        if (resource.equals("paymentLinks") && parts.length == 1 && method.equals("POST")) {
            return createPaymentLink(where, body);
        }
        if (resource.equals("subscriptions") && parts.length == 1 && method.equals("GET")) {
            return listSubscriptions(q);
        }
        if (resource.equals("subscriptions") && parts.length == 1 && method.equals("POST")) {
            return createSubscription(where, body);
        }
        if (resource.equals("subscriptions") && parts.length == 2 && method.equals("GET")) {
            return one(subscriptions, parts[1]);
        }
        if (resource.equals("subscriptions") && parts.length == 2 && method.equals("DELETE")) {
            return deleteSubscription(parts[1]);
        }
        problems.add("unexpected request " + where);
        return notFound();
    }

    private boolean checkHeaders(HttpExchange ex, String where, String method, byte[] body) {
        String key = ex.getRequestHeaders().getFirst("access_token");
        String agent = ex.getRequestHeaders().getFirst("User-Agent");
        if (agent == null || agent.isBlank()) {
            problems.add(where + ": no User-Agent (Asaas requires one)");
        }
        if (("POST".equals(method) || body.length > 0) && !isJson(ex)) {
            problems.add(where + ": Content-Type is not application/json");
        }
        if (key == null) {
            problems.add(where + ": no access_token header");
            return false;
        }
        if (!key.equals(apiKey)) {
            problems.add(where + ": access_token is not the configured API key");
            return false;
        }
        return true;
    }

    private synchronized Map<String, String> budgetHeaders() {
        if (spendBudgetOnNext > 0) {
            spendBudgetOnNext--;
            return Map.of("RateLimit-Limit", "100", "RateLimit-Remaining", "0", "RateLimit-Reset",
                    String.valueOf(spendBudgetResetSeconds));
        }
        return Map.of("RateLimit-Limit", "100", "RateLimit-Remaining", "99", "RateLimit-Reset", "60");
    }

    // Customers --------------------------------------------------------------------------------------------------

    private synchronized Answer createCustomer(String where, byte[] body) {
        JsonNode b = object(where, body);
        if (b == null) {
            return badRequestAnswer("invalid_object", "O corpo da requisição não é um JSON válido.");
        }
        String name = text(b, "name");
        String cpfCnpj = text(b, "cpfCnpj");
        if (name == null) {
            problems.add(where + ": name is required");
            return badRequestAnswer("invalid_name", "O nome deve ser informado.");
        }
        if (cpfCnpj == null || !validTaxId(cpfCnpj)) {
            problems.add(where + ": cpfCnpj must be a CPF or CNPJ with valid check digits, got " + cpfCnpj);
            return badRequestAnswer("invalid_cpfCnpj", "O CPF/CNPJ informado é inválido.");
        }
        if (b.has("email") && (text(b, "email") == null || !text(b, "email").contains("@"))) {
            problems.add(where + ": email is not an e-mail address");
        }
        if (text(b, "externalReference") == null) {
            problems.add(where + ": externalReference (the hub's tenant id) is required by the contract");
        }
        String id = String.format("cus_%012d", ++customerIds);
        ObjectNode c = JSON.createObjectNode().put("object", "customer").put("id", id)
                .put("dateCreated", LocalDate.now(BRASILIA).toString()).put("name", name);
        c.put("email", text(b, "email"));
        c.putNull("company").putNull("phone").putNull("mobilePhone").putNull("address").putNull("addressNumber")
                .putNull("complement").putNull("province").putNull("postalCode");
        c.put("cpfCnpj", cpfCnpj).put("personType", cpfCnpj.length() == 11 ? "FISICA" : "JURIDICA")
                .put("deleted", false).putNull("additionalEmails");
        c.put("externalReference", text(b, "externalReference"));
        c.put("notificationDisabled", false).putNull("observations").putNull("municipalInscription")
                .putNull("stateInscription").put("canDelete", true).putNull("cannotBeDeletedReason")
                .put("canEdit", true).putNull("cannotEditReason").putNull("city").putNull("cityName")
                .putNull("state").put("country", "Brasil");
        customers.put(id, c);
        return ok(c);
    }

    // Payments ---------------------------------------------------------------------------------------------------

    private synchronized Answer createPayment(String where, byte[] body) {
        JsonNode b = object(where, body);
        if (b == null) {
            return badRequestAnswer("invalid_object", "O corpo da requisição não é um JSON válido.");
        }
        String customer = text(b, "customer");
        if (customer == null || !customers.containsKey(customer)) {
            problems.add(where + ": customer must be the id of a customer created here, got " + customer);
            return badRequestAnswer("invalid_customer", "Customer inválido ou não informado.");
        }
        String billingType = text(b, "billingType");
        if (billingType == null || !BILLING_TYPES.contains(billingType)) {
            problems.add(where + ": billingType must be one of " + BILLING_TYPES + ", got " + billingType);
            return badRequestAnswer("invalid_billingType", "Forma de pagamento inválida.");
        }
        BigDecimal value = value(where, b, "value");
        if (value == null) {
            return badRequestAnswer("invalid_value", "O campo value deve ser informado");
        }
        String dueDate = text(b, "dueDate");
        if (!isDate(dueDate)) {
            problems.add(where + ": dueDate must be yyyy-MM-dd, got " + dueDate);
            return badRequestAnswer("invalid_dueDate", "A data de vencimento deve ser informada.");
        }
        if (text(b, "externalReference") == null) {
            problems.add(where + ": externalReference (the hub's invoice id) is required by the contract");
        }
        if (b.has("creditCardToken") && !"CREDIT_CARD".equals(billingType)) {
            problems.add(where + ": creditCardToken is only for billingType CREDIT_CARD");
        }
        if (b.has("description") && !b.get("description").isTextual()) {
            problems.add(where + ": description must be a string");
        }
        ObjectNode p = newPayment(customer, billingType, value, dueDate, text(b, "description"),
                text(b, "externalReference"), b.has("creditCardToken") ? "CONFIRMED" : "PENDING");
        return ok(p);
    }

    /** A payment object as Asaas answers it, stored. */
    private ObjectNode newPayment(String customer, String billingType, BigDecimal value, String dueDate,
                                  String description, String externalReference, String status) {
        String id = String.format("pay_%012d", ++paymentIds);
        String number = id.substring(4);
        ObjectNode p = JSON.createObjectNode().put("object", "payment").put("id", id)
                .put("dateCreated", LocalDate.now(BRASILIA).toString()).put("customer", customer);
        p.putNull("subscription").putNull("installment").putNull("paymentLink");
        p.put("dueDate", dueDate).put("originalDueDate", dueDate).put("value", value)
                .put("netValue", value.subtract(new BigDecimal("1.99")).max(BigDecimal.ZERO).setScale(2))
                .putNull("originalValue").putNull("interestValue").putNull("nossoNumero");
        p.put("description", description);
        p.put("externalReference", externalReference);
        p.put("billingType", billingType)
                .put("status", status).putNull("pixTransaction")
                .putNull("confirmedDate").putNull("paymentDate").putNull("clientPaymentDate")
                .putNull("installmentNumber").putNull("creditDate").putNull("custody")
                .putNull("estimatedCreditDate")
                .put("invoiceUrl", "https://sandbox.asaas.com/i/" + number);
        if (billingType.equals("BOLETO") || billingType.equals("UNDEFINED")) {
            p.put("bankSlipUrl", "https://sandbox.asaas.com/b/pdf/" + number);
        } else {
            p.putNull("bankSlipUrl");
        }
        p.putNull("transactionReceiptUrl").put("invoiceNumber", String.format("%08d", paymentIds % 100000000))
                .put("deleted", false).put("anticipated", false).put("anticipable", false)
                .putNull("lastInvoiceViewedDate").putNull("lastBankSlipViewedDate").put("postalService", false);
        p.putObject("discount").put("value", new BigDecimal("0.00")).putNull("limitDate").put("dueDateLimitDays", 0)
                .put("type", "FIXED");
        p.putObject("fine").put("value", new BigDecimal("0.00")).put("type", "FIXED");
        p.putObject("interest").put("value", new BigDecimal("0.00")).put("type", "PERCENTAGE");
        p.putNull("refunds");
        payments.put(id, p);
        return p;
    }

    private synchronized Answer deletePayment(String id) {
        ObjectNode p = payments.get(id);
        if (p == null || p.path("deleted").asBoolean()) {
            return notFound();
        }
        String status = p.path("status").asText();
        if (!status.equals("PENDING") && !status.equals("OVERDUE")) {
            // Asaas removes only charges awaiting payment or overdue.
            return badRequestAnswer("invalid_action", "Somente cobranças aguardando pagamento ou vencidas podem ser "
                    + "removidas.");
        }
        p.put("deleted", true);
        return ok(JSON.createObjectNode().put("deleted", true).put("id", id));
    }

    private synchronized Answer pixQrCode(String id) {
        ObjectNode p = payments.get(id);
        if (p == null) {
            return notFound();
        }
        if (p.path("billingType").asText().equals("CREDIT_CARD")) {
            return badRequestAnswer("invalid_billingType", "Esta cobrança não permite pagamento via Pix.");
        }
        String payload = "00020101021226820014br.gov.bcb.pix2560pix-h.asaas.com/qr/cobv/" + id.substring(4)
                + "5204000053039865406" + p.path("value").decimalValue().toPlainString() + "5802BR6304FAKE";
        ObjectNode qr = JSON.createObjectNode()
                .put("encodedImage", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                        + "AAAABJRU5ErkJggg==")
                .put("payload", payload)
                .put("expirationDate", LocalDate.parse(p.path("dueDate").asText()).plusYears(1) + " 23:59:59");
        return ok(qr);
    }

    private synchronized Answer identificationField(String id) {
        ObjectNode p = payments.get(id);
        if (p == null) {
            return notFound();
        }
        String type = p.path("billingType").asText();
        if (!type.equals("BOLETO") && !type.equals("UNDEFINED")) {
            return badRequestAnswer("invalid_billingType", "Esta cobrança não possui boleto.");
        }
        String n = String.format("%010d", Long.parseLong(id.substring(4)) % 10000000000L);
        ObjectNode line = JSON.createObjectNode()
                .put("identificationField", "00190000090" + n + "21932978170187890000005000")
                .put("nossoNumero", n)
                .put("barCode", "0019187890000005000000000" + n + "2193297817");
        return ok(line);
    }

    private synchronized Answer refund(String where, String id, byte[] body) {
        ObjectNode p = payments.get(id);
        if (p == null) {
            return notFound();
        }
        JsonNode b = body.length == 0 ? JSON.createObjectNode() : object(where, body);
        if (b == null) {
            return badRequestAnswer("invalid_object", "O corpo da requisição não é um JSON válido.");
        }
        if (!PAID.contains(p.path("status").asText()) || p.path("deleted").asBoolean()) {
            return badRequestAnswer("invalid_action", "Somente cobranças recebidas ou confirmadas podem ser "
                    + "estornadas.");
        }
        BigDecimal total = p.path("value").decimalValue();
        BigDecimal refunded = BigDecimal.ZERO;
        for (JsonNode r : p.path("refunds")) {
            refunded = refunded.add(r.path("value").decimalValue());
        }
        BigDecimal left = total.subtract(refunded);
        BigDecimal value = left;
        if (b.has("value")) {
            value = value(where, b, "value");
            if (value == null) {
                return badRequestAnswer("invalid_value", "Valor de estorno inválido.");
            }
            if (value.compareTo(left) > 0) {
                problems.add(where + ": refund value " + value + " exceeds what is left of the payment, " + left);
                return badRequestAnswer("invalid_value", "O valor do estorno excede o valor da cobrança.");
            }
        }
        ArrayNode refunds = p.path("refunds").isArray() ? (ArrayNode) p.get("refunds") : p.putArray("refunds");
        refunds.addObject().put("dateCreated", LocalDateTime.now(BRASILIA).format(DATE_TIME)).put("status", "DONE")
                .put("value", value.setScale(2, RoundingMode.UNNECESSARY))
                .put("description", b.path("description").isTextual() ? b.get("description").asText() : null)
                .putNull("transactionReceiptUrl");
        if (value.compareTo(left) == 0) {
            p.put("status", "REFUNDED");
        }
        return ok(p);
    }

    // Payment links ----------------------------------------------------------------------------------------------

    private synchronized Answer createPaymentLink(String where, byte[] body) {
        JsonNode b = object(where, body);
        if (b == null) {
            return badRequestAnswer("invalid_object", "O corpo da requisição não é um JSON válido.");
        }
        String name = text(b, "name");
        String billingType = text(b, "billingType");
        String chargeType = text(b, "chargeType");
        if (name == null) {
            problems.add(where + ": name is required");
            return badRequestAnswer("invalid_name", "O nome do link deve ser informado.");
        }
        if (billingType == null || !BILLING_TYPES.contains(billingType)) {
            problems.add(where + ": billingType must be one of " + BILLING_TYPES + ", got " + billingType);
            return badRequestAnswer("invalid_billingType", "Forma de pagamento inválida.");
        }
        if (chargeType == null || !CHARGE_TYPES.contains(chargeType)) {
            problems.add(where + ": chargeType must be one of " + CHARGE_TYPES + ", got " + chargeType);
            return badRequestAnswer("invalid_chargeType", "Tipo de cobrança inválido.");
        }
        BigDecimal value = b.has("value") ? value(where, b, "value") : null;
        if (b.has("value") && value == null) {
            return badRequestAnswer("invalid_value", "Valor inválido.");
        }
        boolean boleto = billingType.equals("BOLETO") || billingType.equals("UNDEFINED");
        if (boleto && !b.path("dueDateLimitDays").canConvertToInt()) {
            problems.add(where + ": dueDateLimitDays is required when the payer may pay by boleto");
            return badRequestAnswer("invalid_dueDateLimitDays", "Informe a quantidade de dias para vencimento.");
        }
        String id = String.valueOf(++linkIds);
        ObjectNode link = JSON.createObjectNode().put("id", id).put("name", name);
        if (value == null) {
            link.putNull("value");
        } else {
            link.put("value", value);
        }
        link.put("active", true).put("chargeType", chargeType).put("url", "https://www.asaas.com/c/" + id)
                .put("billingType", billingType).putNull("subscriptionCycle");
        link.put("description", text(b, "description"));
        link.putNull("endDate").put("deleted", false).put("viewCount", 0).putNull("maxInstallmentCount");
        if (b.path("dueDateLimitDays").canConvertToInt()) {
            link.put("dueDateLimitDays", b.get("dueDateLimitDays").asInt());
        } else {
            link.putNull("dueDateLimitDays");
        }
        link.put("notificationEnabled", true).put("isAddressRequired", false);
        link.put("externalReference", text(b, "externalReference"));
        paymentLinks.put(id, link);
        return ok(link);
    }

    // Subscriptions ----------------------------------------------------------------------------------------------

    private synchronized Answer listSubscriptions(Map<String, String> q) {
        boolean deletedOnly = "true".equals(q.get("deletedOnly"));
        boolean includeDeleted = deletedOnly || "true".equals(q.get("includeDeleted"));
        Map<String, ObjectNode> shown = new LinkedHashMap<>();
        subscriptions.forEach((id, s) -> {
            boolean deleted = s.path("deleted").asBoolean();
            if (deletedOnly ? deleted : includeDeleted || !deleted) {
                shown.put(id, s);
            }
        });
        return list(shown, q, "externalReference", "customer", "status", "billingType");
    }

    private synchronized Answer createSubscription(String where, byte[] body) {
        JsonNode b = object(where, body);
        if (b == null) {
            return badRequestAnswer("invalid_object", "O corpo da requisição não é um JSON válido.");
        }
        String customer = text(b, "customer");
        if (customer == null || !customers.containsKey(customer)) {
            problems.add(where + ": customer must be the id of a customer created here, got " + customer);
            return badRequestAnswer("invalid_customer", "Customer inválido ou não informado.");
        }
        String billingType = text(b, "billingType");
        if (billingType == null || !BILLING_TYPES.contains(billingType)) {
            problems.add(where + ": billingType must be one of " + BILLING_TYPES + ", got " + billingType);
            return badRequestAnswer("invalid_billingType", "Forma de pagamento inválida.");
        }
        BigDecimal value = value(where, b, "value");
        if (value == null) {
            return badRequestAnswer("invalid_value", "O campo value deve ser informado");
        }
        String nextDueDate = text(b, "nextDueDate");
        if (!isDate(nextDueDate)) {
            problems.add(where + ": nextDueDate must be yyyy-MM-dd, got " + nextDueDate);
            return badRequestAnswer("invalid_nextDueDate", "A data de vencimento da primeira cobrança deve ser "
                    + "informada.");
        }
        String cycle = text(b, "cycle");
        if (cycle == null || !CYCLES.contains(cycle)) {
            problems.add(where + ": cycle must be one of " + CYCLES + ", got " + cycle);
            return badRequestAnswer("invalid_cycle", "Periodicidade inválida.");
        }
        if (!CONTRACT_CYCLES.contains(cycle)) {
            problems.add(where + ": cycle " + cycle + " is not one of the contract's " + CONTRACT_CYCLES);
        }
        if (b.has("description") && !b.get("description").isTextual()) {
            problems.add(where + ": description must be a string");
        }
        String description = text(b, "description");
        if (description != null && description.length() > MAX_SUBSCRIPTION_DESCRIPTION) {
            problems.add(where + ": description is longer than " + MAX_SUBSCRIPTION_DESCRIPTION + " characters");
            return badRequestAnswer("invalid_description", "A descrição deve ter no máximo 500 caracteres.");
        }
        if (text(b, "externalReference") == null) {
            problems.add(where + ": externalReference (the hub's subscription id) is required by the contract");
        }
        String id = String.format("sub_%012d", ++subscriptionIds);
        ObjectNode s = JSON.createObjectNode().put("object", "subscription").put("id", id)
                .put("dateCreated", LocalDate.now(BRASILIA).toString()).put("customer", customer);
        s.putNull("paymentLink");
        s.put("value", value).put("nextDueDate", nextDueDate).put("cycle", cycle);
        s.put("description", description);
        s.put("billingType", billingType).put("deleted", false).put("status", "ACTIVE");
        s.put("externalReference", text(b, "externalReference"));
        s.put("sendPaymentByPostalService", false).putNull("endDate").putNull("maxPayments")
                .putNull("checkoutSession");
        s.putObject("discount").put("value", new BigDecimal("0.00")).putNull("limitDate").put("dueDateLimitDays", 0)
                .put("type", "FIXED");
        s.putObject("fine").put("value", new BigDecimal("0.00")).put("type", "FIXED");
        s.putObject("interest").put("value", new BigDecimal("0.00")).put("type", "PERCENTAGE");
        s.putNull("split");
        subscriptions.put(id, s);
        return ok(s);
    }

    private synchronized Answer deleteSubscription(String id) {
        ObjectNode s = subscriptions.get(id);
        if (s == null || s.path("deleted").asBoolean()) {
            return notFound();
        }
        s.put("deleted", true);
        return ok(JSON.createObjectNode().put("deleted", true).put("id", id));
    }

    // Shared answers ---------------------------------------------------------------------------------------------

    private synchronized Answer list(Map<String, ObjectNode> store, Map<String, String> q, String... filters) {
        Predicate<ObjectNode> match = o -> true;
        for (String f : filters) {
            String wanted = q.get(f);
            if (wanted != null) {
                match = match.and(o -> wanted.equals(o.path(f).asText(null)));
            }
        }
        int offset = parseInt(q.get("offset"), 0);
        int limit = Math.max(1, Math.min(100, parseInt(q.get("limit"), 10)));
        List<ObjectNode> all = new ArrayList<>(store.values().stream().filter(match).toList());
        ObjectNode out = JSON.createObjectNode().put("object", "list")
                .put("hasMore", offset + limit < all.size()).put("totalCount", all.size())
                .put("limit", limit).put("offset", offset);
        ArrayNode data = out.putArray("data");
        for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
            data.add(all.get(i).deepCopy());
        }
        return ok(out);
    }

    private synchronized Answer one(Map<String, ObjectNode> store, String id) {
        ObjectNode o = store.get(id);
        return o == null ? notFound() : ok(o);
    }

    private static Answer ok(JsonNode body) {
        return new Answer(200, body.toString());
    }

    private static Answer notFound() {
        return new Answer(404, "");
    }

    private static Answer badRequestAnswer(String code, String description) {
        return new Answer(400, errors(code, description));
    }

    private static String errors(String code, String description) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("errors").addObject().put("code", code).put("description", description);
        return root.toString();
    }

    private static void answer(HttpExchange ex, int status, String body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    // Checks -----------------------------------------------------------------------------------------------------

    private JsonNode object(String where, byte[] body) {
        JsonNode b = parse(body);
        if (!b.isObject()) {
            problems.add(where + ": body is not a JSON object");
            return null;
        }
        return b;
    }

    /** A value of reais: a JSON number, positive, with at most two decimals. Null (and a problem) otherwise. */
    private BigDecimal value(String where, JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.isNumber()) {
            problems.add(where + ": " + field + " must be a JSON number of reais, got " + v);
            return null;
        }
        BigDecimal d = v.decimalValue();
        if (d.stripTrailingZeros().scale() > 2) {
            problems.add(where + ": " + field + " has more than two decimals: " + v);
            return null;
        }
        if (d.signum() <= 0) {
            problems.add(where + ": " + field + " must be positive, got " + v);
            return null;
        }
        return d.setScale(2, RoundingMode.UNNECESSARY);
    }

    private static boolean isDate(String s) {
        if (s == null || !DATE.matcher(s).matches()) {
            return false;
        }
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * A CPF (11 digits) or CNPJ (14 characters; since July 2026 the first 12 may be letters A-Z, counted as their
     * ASCII code minus 48) with valid mod-11 check digits and not one repeated character.
     */
    static boolean validTaxId(String s) {
        if (s.chars().allMatch(c -> c == s.charAt(0))) {
            return false;
        }
        if (s.matches("[0-9]{11}")) {
            return checkDigit(s, 9, 10) == s.charAt(9) - '0' && checkDigit(s, 10, 11) == s.charAt(10) - '0';
        }
        if (s.matches("[0-9A-Z]{12}[0-9]{2}")) {
            return checkDigit(s, 12, 0) == s.charAt(12) - '0' && checkDigit(s, 13, 0) == s.charAt(13) - '0';
        }
        return false;
    }

    /** CPF weights run down from {@code firstWeight}; CNPJ weights ({@code firstWeight} 0) cycle 2..9 from the right. */
    private static int checkDigit(String s, int length, int firstWeight) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            int weight = firstWeight > 0 ? firstWeight - i : 2 + (length - 1 - i) % 8;
            sum += (s.charAt(i) - '0') * weight;
        }
        int r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    private static int parseInt(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static boolean isJson(HttpExchange ex) {
        String t = ex.getRequestHeaders().getFirst("Content-Type");
        return t != null && t.startsWith("application/json");
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n == null ? JSON.missingNode() : n;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
