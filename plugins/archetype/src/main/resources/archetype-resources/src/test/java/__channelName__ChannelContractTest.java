package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.InboundResult;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.channel.MessageReceived;
import io.channelhub.plugin.channel.SendResult;
import io.channelhub.plugin.testing.ChannelConnectorContract;
import io.channelhub.plugin.testing.FakeInboundScope;
import io.channelhub.plugin.testing.FakePluginContext;
import io.channelhub.plugin.testing.ProviderAnswer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the hub relies on from every channel (the test kit's contract, inherited), and what this channel adds: the
 * message it takes in, and the reply it sends out.
 */
class ${channelName}ChannelContractTest extends ChannelConnectorContract {

    private static final Map<String, String> SETTINGS = Map.of("api_url", "https://api.example.com/v1/messages",
            "api_token", "token-1", "webhook_secret", "secret-1");

    @Override
    protected ChannelConnector connector() {
        return new ${channelName}Channel();
    }

    @Override
    protected FakePluginContext context() {
        return FakePluginContext.forInstance("${artifactId}", SETTINGS);
    }

    private static InboundRequest signed(String body, String secret) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new InboundRequest("POST", "/", Map.of("Content-Type", List.of("application/x-www-form-urlencoded"),
                "X-Signature", List.of("sha256=" + ${channelName}Channel.signature(secret, bytes))), Map.of(), bytes,
                "203.0.113.7");
    }

    @Override
    protected InboundRequest genuineInbound(FakePluginContext context) {
        return signed("id=m-1&from=5511990000001&text=Ol%C3%A1%2C+tudo+bem%3F", "secret-1");
    }

    @Override
    protected InboundRequest forgedInbound(FakePluginContext context) {
        return signed("id=m-1&from=5511990000001&text=hi", "another-secret");
    }

    @Override
    protected ProviderAnswer sendAccepted() {
        return new ProviderAnswer(201, "id=prov-42");
    }

    @Override
    protected ProviderAnswer sendRefused() {
        return new ProviderAnswer(400, "error=invalid+recipient");
    }

    @Test
    void aMessageArrivesWithItsTextAndSender() {
        FakePluginContext context = context();
        InboundResult r = connector().handleInbound(genuineInbound(context), FakeInboundScope.instanceRoute(context));
        MessageReceived m = assertInstanceOf(MessageReceived.class, r.events().get(0).event());
        assertEquals("m-1", m.externalId());
        assertEquals("5511990000001", m.contactExternalId());
        assertEquals("Olá, tudo bem?", m.text());
    }

    @Test
    void aReplyGoesToTheProviderWithTheTokenAndTheHubsId() {
        FakePluginContext context = context();
        context.answer(201, "id=prov-42");
        SendResult r = connector().send(text(context), context);
        assertEquals(new SendResult.Delivered("prov-42"), r);
        var sent = context.requests().get(0);
        assertEquals("POST /v1/messages", sent.line());
        assertEquals("Bearer token-1", sent.header("Authorization"));
        assertEquals("msg_contract_1", sent.header("Idempotency-Key"));
        assertEquals("to=5511990000001&text=" + sent.text().split("&text=")[1].split("&")[0]
                + "&reference=msg_contract_1", sent.text());
    }
}
