package io.channelhub.plugins.whatsapp;

import io.channelhub.plugin.InboundRequest;
import io.channelhub.plugin.channel.ChannelConnector;
import io.channelhub.plugin.testing.ChannelConnectorContract;
import io.channelhub.plugin.testing.FakePluginContext;
import io.channelhub.plugin.testing.ProviderAnswer;
import java.nio.charset.StandardCharsets;

/** The test kit's channel contract, on the WhatsApp connector with Meta's documented payloads. */
class WhatsAppConnectorContractTest extends ChannelConnectorContract {

    @Override
    protected ChannelConnector connector() {
        return new WhatsAppConnector();
    }

    @Override
    protected FakePluginContext context() {
        return new WhatsAppContext();
    }

    @Override
    protected InboundRequest genuineInbound(FakePluginContext context) {
        byte[] body = WebhookParserTest.resource("text.json");
        return WhatsAppConnectorTest.post(body, Signatures.sign(body, WhatsAppContext.APP_SECRET));
    }

    @Override
    protected InboundRequest forgedInbound(FakePluginContext context) {
        byte[] body = WebhookParserTest.resource("text.json");
        return WhatsAppConnectorTest.post(body, Signatures.sign(body, "not-the-apps-secret"));
    }

    @Override
    protected ProviderAnswer sendAccepted() {
        return new ProviderAnswer(200, WhatsAppConnectorTest.SENT);
    }

    @Override
    protected ProviderAnswer sendRefused() {
        return new ProviderAnswer(400, new String(GraphErrorsTest.graphError(131026), StandardCharsets.UTF_8));
    }
}
