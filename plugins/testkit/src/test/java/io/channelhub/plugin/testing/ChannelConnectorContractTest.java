package io.channelhub.plugin.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.HttpAnswer;
import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.InboundScope;
import io.channelhub.plugin.PluginContext;
import io.channelhub.plugin.SettingDefinition;
import io.channelhub.plugin.SettingType;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.channel.ChannelCapability;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.channel.ChannelDescriptor;
import io.channelhub.plugin.channel.MessageReceived;
import io.channelhub.plugin.channel.OutboundMessage;
import io.channelhub.plugin.channel.SendResult;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The channel contract passes a connector that keeps it and fails one that does not, case by case. */
class ChannelConnectorContractTest {

    /** A small, correct channel: a shared token in a header, a JSON-ish body "from|id|text", sends answer an id. */
    static class Acme implements ChannelConnector {
        boolean throwOnGarbage;
        boolean bindToOwnContext;
        boolean throwOnNetwork;

        @Override
        public ChannelDescriptor descriptor() {
            return new ChannelDescriptor("acme", "Acme chat", Set.of(ChannelCapability.MEDIA), SettingsSchema.of(
                    SettingDefinition.builder("account", SettingType.STRING).required().build(),
                    SettingDefinition.builder("token", SettingType.STRING).required().secret().build()), "account", 10);
        }

        @Override
        public InboundResult handleInbound(InboundRequest request, InboundScope scope) {
            String[] parts = request.bodyAsString().split("\\|");
            if (parts.length != 4) {
                if (throwOnGarbage) {
                    throw new IllegalArgumentException("bad body");
                }
                return InboundResult.answerOnly(HttpAnswer.status(400));
            }
            Optional<PluginContext> ctx = scope.findInstance(parts[0]);
            if (ctx.isEmpty() || !ctx.get().settings().require("token").equals(request.header("X-Token").orElse(""))) {
                return InboundResult.answerOnly(HttpAnswer.status(401));
            }
            PluginContext bound = bindToOwnContext ? FakePluginContext.forInstance("acme", Map.of()) : ctx.get();
            return InboundResult.accepted(HttpAnswer.status(200), List.of(new InboundResult.BoundEvent(bound,
                    new MessageReceived(parts[2], parts[1], null, MessageReceived.Kind.TEXT, parts[3], Map.of(),
                            Instant.EPOCH))));
        }

        @Override
        public SendResult send(OutboundMessage message, PluginContext context) {
            try {
                var r = context.http().send(HttpRequest.newBuilder(URI.create("https://acme.test/send"))
                        .POST(HttpRequest.BodyPublishers.ofString(message.text())).build());
                if (r.statusCode() == 200) {
                    return new SendResult.Delivered(new String(r.body()));
                }
                return r.statusCode() >= 500 ? new SendResult.Retryable("server", Optional.empty())
                        : new SendResult.Permanent("refused", "refused");
            } catch (java.io.IOException e) {
                if (throwOnNetwork) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new SendResult.Retryable("io", Optional.empty());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new SendResult.Retryable("interrupted", Optional.empty());
            }
        }
    }

    static class AcmeContract extends ChannelConnectorContract {
        final Acme acme = new Acme();

        @Override
        protected ChannelConnector connector() {
            return acme;
        }

        @Override
        protected FakePluginContext context() {
            return FakePluginContext.forInstance("acme", Map.of("account", "42", "token", "s3cret"));
        }

        private static InboundRequest post(String body, String token) {
            return new InboundRequest("POST", "/in", Map.of("X-Token", List.of(token)), Map.of(),
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "203.0.113.9");
        }

        @Override
        protected InboundRequest genuineInbound(FakePluginContext context) {
            return post("42|5511990000001|ev-1|hello", "s3cret");
        }

        @Override
        protected InboundRequest forgedInbound(FakePluginContext context) {
            return post("42|5511990000001|ev-1|hello", "guess");
        }

        @Override
        protected ProviderAnswer sendAccepted() {
            return new ProviderAnswer(200, "out-1");
        }

        @Override
        protected ProviderAnswer sendRefused() {
            return new ProviderAnswer(400, "no such recipient");
        }
    }

    @Test
    void aConnectorThatKeepsTheContractPassesIt() {
        AcmeContract c = new AcmeContract();
        assertThatCode(() -> {
            c.theDescriptorIsCompleteAndStable();
            c.completeSettingsAreValid();
            c.aGenuineRequestIsAcceptedWithItsEventsBoundToTheInstanceTheHubHandedOut();
            c.aForgedRequestIsRefusedWithA4xxAndNoEvents();
            c.garbageIsAnsweredWithA4xxNotAnException();
            c.anAcceptedSendIsDeliveredWithTheProvidersId();
            c.aRefusedSendFailsForGood();
            c.aNetworkFailureOrAServerErrorIsRetriedNotThrown();
        }).doesNotThrowAnyException();
    }

    @Test
    void throwingOnGarbageFails() {
        AcmeContract c = new AcmeContract();
        c.acme.throwOnGarbage = true;
        assertThatThrownBy(c::garbageIsAnsweredWithA4xxNotAnException).isInstanceOf(AssertionFailedError.class);
    }

    @Test
    void bindingAnEventToAContextTheHubDidNotIssueFails() {
        AcmeContract c = new AcmeContract();
        c.acme.bindToOwnContext = true;
        assertThatThrownBy(c::aGenuineRequestIsAcceptedWithItsEventsBoundToTheInstanceTheHubHandedOut)
                .isInstanceOf(AssertionFailedError.class);
    }

    @Test
    void throwingOnANetworkFailureFails() {
        AcmeContract c = new AcmeContract();
        c.acme.throwOnNetwork = true;
        assertThatThrownBy(c::aNetworkFailureOrAServerErrorIsRetriedNotThrown)
                .isInstanceOf(AssertionFailedError.class);
    }
}
