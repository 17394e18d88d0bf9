package io.channelhub.hub.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.channelhub.plugin.privacy.PiiDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogRedactionTest {

    /** A detector of {@code type} finding {@code regex}, standing in for a policy plugin's. */
    static PiiDetector detector(String type, String regex) {
        Pattern p = Pattern.compile(regex);
        return new PiiDetector() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public List<PiiMatch> find(CharSequence text) {
                List<PiiMatch> out = new ArrayList<>();
                Matcher m = p.matcher(text);
                while (m.find()) {
                    out.add(new PiiMatch(type, m.start(), m.end()));
                }
                return out;
            }
        };
    }

    /** A plain e-mail detector. */
    static final PiiDetector EMAIL = detector("email", "[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");

    /** IPv4 addresses, as the privacy plugin's detector finds them. */
    static final PiiDetector IP = detector("ip", "\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");

    @Test
    void theHubsOwnHostsStayReadableAndVisitorsAddressesDoNot() {
        LogRedaction.install(List.of(IP, EMAIL), java.util.Set.of("10.0.3.4", "mariadb.internal"));
        var thrown = new java.sql.SQLException("Socket fail to connect to mariadb.internal/10.0.3.4:3306. Connection"
                + " refused");
        String line = layout(thrown, "Request from {} by {} failed", "203.0.113.9", "ana@example.com");
        assertThat(line).contains("mariadb.internal/10.0.3.4:3306", "Request from [ip] by [email] failed")
                .doesNotContain("203.0.113.9");
    }

    @AfterEach
    void uninstall() {
        LogRedaction.install(List.of());
    }

    private static String layout(String message, Object... args) {
        return layout(null, message, args);
    }

    private static String layout(Throwable thrown, String message, Object... args) {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        var layout = new LogRedaction().build(ctx, TimeZone.getTimeZone("UTC"));
        layout.start();
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("test"), Level.INFO, message, thrown, args);
        return layout.doLayout(e);
    }

    @Test
    void masksPersonalDataInEveryJsonLogLine() {
        LogRedaction.install(List.of(EMAIL));
        String line = layout("Sent the receipt to {} for order {}", "ana.souza@example.com.br", 4711);
        assertThat(line).contains("Sent the receipt to [email] for order 4711").doesNotContain("ana.souza");
        assertThat(line).startsWith("{").contains("\"level\":\"INFO\"");
    }

    @Test
    void masksPersonalDataInExceptionsTheirCausesAndSuppressed() {
        LogRedaction.install(List.of(EMAIL));
        var cause = new IllegalStateException("Duplicate entry 'ana.souza@example.com.br' for key 'uq_contact'");
        var thrown = new RuntimeException("could not save bia@example.org", cause);
        thrown.addSuppressed(new IllegalArgumentException("also caio@example.net"));
        String line = layout(thrown, "Saving the contact failed");
        assertThat(line).contains("could not save [email]", "Duplicate entry '[email]'", "also [email]")
                .contains("uq_contact", "RuntimeException", "LogRedactionTest")
                .doesNotContain("ana.souza", "bia@", "caio@");
    }

    @Test
    void theTextFormatIsOneReadableLineMaskedTheSameWay() {
        LogRedaction.install(List.of(EMAIL));
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        RedactedLogLayout factory = new RedactedLogLayout();
        var layout = factory.build(ctx, TimeZone.getTimeZone("UTC"));
        layout.start();
        var thrown = new RuntimeException("could not save bia@example.org");
        String text = layout.doLayout(new LoggingEvent("x", ctx.getLogger("io.channelhub.hub.Example"), Level.WARN,
                "Sent the receipt to {}", thrown, new Object[] {"ana.souza@example.com.br"}));
        assertThat(text).startsWith("WARN  [").contains("io.channelhub.hub.Example: Sent the receipt to [email]")
                .contains("could not save [email]").doesNotContain("ana.souza", "bia@", "\u001b");
        assertThat(text.lines().findFirst().orElseThrow()).doesNotStartWith("{");

        factory.setFormat(RedactedLogLayout.Format.of("json"));
        var json = factory.build(ctx, TimeZone.getTimeZone("UTC"));
        json.start();
        assertThat(json.doLayout(new LoggingEvent("x", ctx.getLogger("test"), Level.INFO, "to {}", null,
                new Object[] {"ana@example.com"}))).startsWith("{").contains("to [email]");
    }

    @Test
    void passesLinesUnchangedUntilAPolicyIsInstalled() {
        assertThat(layout("mail {}", "ana@example.com")).contains("ana@example.com");
    }
}
