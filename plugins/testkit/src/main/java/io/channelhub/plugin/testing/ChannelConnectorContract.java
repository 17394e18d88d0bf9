package io.channelhub.plugin.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.SendResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the hub relies on from every channel connector, as tests a channel plugin inherits in its own build:
 * extend this class, say how to make your connector, a context with complete settings, a request your provider
 * would send and one it would not, and the answers your provider's send API gives. The hub turns an exception out
 * of {@code handleInbound} or {@code send} into a 5xx or a retry storm, so every case here must be answered, not
 * thrown.
 *
 * <pre>{@code
 * class AcmeConnectorContractTest extends ChannelConnectorContract {
 *     protected ChannelConnector connector() { return new AcmeConnector(); }
 *     protected FakePluginContext context() {
 *         return FakePluginContext.forInstance("channel-acme", Map.of("api_token", "t-1", "account", "42"));
 *     }
 *     protected InboundRequest genuineInbound(FakePluginContext ctx) { ... a signed webhook for account 42 ... }
 *     protected InboundRequest forgedInbound(FakePluginContext ctx) { ... the same with a wrong signature ... }
 *     protected ProviderAnswer sendAccepted() { return new ProviderAnswer(200, "{\"id\":\"m-1\"}"); }
 *     protected ProviderAnswer sendRefused() { return new ProviderAnswer(400, "{\"error\":\"invalid recipient\"}"); }
 * }
 * }</pre>
 */
public abstract class ChannelConnectorContract {

    /** A new connector, as the hub makes it. */
    protected abstract ChannelConnector connector();

    /** A context of one instance with complete, valid settings. */
    protected abstract FakePluginContext context();

    /** A request the provider would send to this instance (signed, for this account), carrying one message. */
    protected abstract InboundRequest genuineInbound(FakePluginContext context);

    /** A request the connector must refuse: forged, or signed for someone else. */
    protected abstract InboundRequest forgedInbound(FakePluginContext context);

    /** The provider's answer to an accepted text send. */
    protected abstract ProviderAnswer sendAccepted();

    /** The provider's answer to a send it refuses for good (a bad recipient, say). */
    protected abstract ProviderAnswer sendRefused();

    /** The scope the hub gives: the shared route found by the routing key, or the instance route without one. */
    protected FakeInboundScope scope(ChannelDescriptor descriptor, FakePluginContext context) {
        return descriptor.routingKey() == null ? FakeInboundScope.instanceRoute(context)
                : FakeInboundScope.sharedRoute(descriptor.routingKey(), context);
    }

    /** A text to one contact; override when your channel needs attributes on it. */
    protected OutboundMessage text(FakePluginContext context) {
        return new OutboundMessage("msg_contract_1", "conv_contract_1", "5511990000001", OutboundMessage.Kind.TEXT,
                "Olá! Your order has shipped.", Map.of());
    }

    @Test
    void theDescriptorIsCompleteAndStable() {
        ChannelConnector c = connector();
        ChannelDescriptor d = c.descriptor();
        assertNotNull(d, "descriptor()");
        assertFalse(d.type().isBlank(), "a type");
        assertTrue(d.displayName() != null && !d.displayName().isBlank(), "a display name");
        assertEquals(d, c.descriptor(), "descriptor() answers the same every time");
    }

    @Test
    void completeSettingsAreValid() {
        FakePluginContext ctx = context();
        assertDoesNotThrow(() -> connector().validateSettings(ctx.settings()));
        assertTrue(connector().sendRatePerSecond(ctx.settings()) > 0, "a positive send rate");
    }

    @Test
    void aGenuineRequestIsAcceptedWithItsEventsBoundToTheInstanceTheHubHandedOut() {
        ChannelConnector c = connector();
        FakePluginContext ctx = context();
        FakeInboundScope scope = scope(c.descriptor(), ctx);
        InboundResult r = c.handleInbound(genuineInbound(ctx), scope);
        assertNotNull(r, "handleInbound never answers null");
        int status = r.answer().status();
        assertTrue(status >= 200 && status < 300, "a 2xx answer, got " + status);
        assertFalse(r.events().isEmpty(), "the message it carried, as an event");
        for (InboundResult.BoundEvent e : r.events()) {
            assertTrue(scope.wasIssued(e.context()), "events are bound only to contexts the scope handed out");
            assertNotNull(e.event().externalId(), "every event has the provider's id (the hub de-duplicates by it)");
        }
    }

    @Test
    void aForgedRequestIsRefusedWithA4xxAndNoEvents() {
        ChannelConnector c = connector();
        FakePluginContext ctx = context();
        InboundResult r = c.handleInbound(forgedInbound(ctx), scope(c.descriptor(), ctx));
        assertNotNull(r, "handleInbound never answers null");
        assertClientError(r);
    }

    @Test
    void garbageIsAnsweredWithA4xxNotAnException() {
        ChannelConnector c = connector();
        FakePluginContext ctx = context();
        InboundRequest genuine = genuineInbound(ctx);
        for (String body : List.of("", "not json", "{\"entry\":[{\"changes\":null}]}")) {
            InboundRequest garbage = ProviderAnswer.withBody(genuine, body);
            InboundResult r = assertDoesNotThrow(() -> c.handleInbound(garbage, scope(c.descriptor(), ctx)));
            assertNotNull(r, "handleInbound never answers null");
            assertClientError(r);
        }
    }

    @Test
    void anAcceptedSendIsDeliveredWithTheProvidersId() {
        FakePluginContext ctx = context();
        ctx.answer(sendAccepted().status(), sendAccepted().body());
        SendResult r = connector().send(text(ctx), ctx);
        SendResult.Delivered d = assertInstanceOf(SendResult.Delivered.class, r);
        assertTrue(d.channelMessageId() != null && !d.channelMessageId().isBlank(), "the provider's message id");
        assertFalse(ctx.requests().isEmpty(), "the send went through the context's HTTP client");
    }

    @Test
    void aRefusedSendFailsForGood() {
        FakePluginContext ctx = context();
        ctx.answer(sendRefused().status(), sendRefused().body());
        assertInstanceOf(SendResult.Permanent.class, connector().send(text(ctx), ctx));
    }

    @Test
    void aNetworkFailureOrAServerErrorIsRetriedNotThrown() {
        FakePluginContext down = context().networkFailure();
        assertInstanceOf(SendResult.Retryable.class, assertDoesNotThrow(() -> connector().send(text(down), down)));
        FakePluginContext failing = context();
        failing.answer(503, "{\"error\":\"unavailable\"}");
        assertInstanceOf(SendResult.Retryable.class, connector().send(text(failing), failing));
    }

    private static void assertClientError(InboundResult r) {
        int status = r.answer().status();
        assertTrue(status >= 400 && status < 500, "a 4xx answer, got " + status);
        assertTrue(r.events().isEmpty(), "no events from a refused request");
        assertTrue(r.turn() == null, "no turn from a refused request");
    }
}
