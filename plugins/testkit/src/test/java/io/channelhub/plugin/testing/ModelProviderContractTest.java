package io.channelhub.plugin.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.channelhub.plugin.Settings;
import io.channelhub.plugin.SettingsSchema;
import io.channelhub.plugin.model.ModelException;
import io.channelhub.plugin.model.ModelProvider;
import io.channelhub.plugin.model.ModelReply;
import io.channelhub.plugin.model.ModelRequest;
import io.channelhub.plugin.model.ModelStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The model provider contract passes a provider that keeps it and fails one that retries the wrong failures. */
class ModelProviderContractTest {

    /**
     * A small provider: {@code POST /complete} answers {@code {"text":..,"prompt_tokens":..,"completion_tokens":..}},
     * {@code POST /stream} answers {@code data: <piece>} events and {@code data: [DONE]}. {@code careless} takes a
     * 429 for a bad request, as a provider that never retries would.
     */
    record Tiny(boolean careless) implements ModelProvider {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        @Override
        public String id() {
            return "tiny";
        }

        @Override
        public SettingsSchema settingsSchema() {
            return SettingsSchema.of();
        }

        private HttpResponse<InputStream> call(String path, ModelRequest r, Settings s) throws ModelException {
            String body = "model=" + r.model() + "&message=" + r.messages().get(r.messages().size() - 1).content();
            try {
                HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                        s.require("base_url") + path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status >= 400) {
                    response.body().close();
                    throw new ModelException(status == 429 && !careless ? ModelException.Kind.RATE_LIMITED
                            : status >= 500 ? ModelException.Kind.UPSTREAM_ERROR
                            : status == 401 ? ModelException.Kind.AUTHENTICATION : ModelException.Kind.BAD_REQUEST,
                            "tiny answered " + status, (Throwable) null);
                }
                return response;
            } catch (IOException e) {
                throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "tiny is unreachable", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException(ModelException.Kind.TIMEOUT, "interrupted", e);
            }
        }

        @Override
        public ModelReply complete(ModelRequest r, Settings s) throws ModelException {
            try (InputStream in = call("/complete", r, s).body()) {
                String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Matcher m = Pattern.compile("\"text\":\"([^\"]*)\",\"prompt_tokens\":(\\d+),\"completion_tokens\":(\\d+)")
                        .matcher(json);
                if (!m.find()) {
                    throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "unreadable answer", (Throwable) null);
                }
                return new ModelReply(m.group(1), List.of(), "stop", new ModelReply.Usage(Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3))), r.model());
            } catch (IOException e) {
                throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "broken answer", e);
            }
        }

        @Override
        public ModelStream stream(ModelRequest r, Settings s) throws ModelException {
            InputStream in = call("/stream", r, s).body();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            StringBuilder all = new StringBuilder();
            return new ModelStream() {
                @Override
                public String nextDelta() throws ModelException {
                    try {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            if (line.startsWith("data: ")) {
                                String d = line.substring(6);
                                if (d.equals("[DONE]")) {
                                    return null;
                                }
                                all.append(d);
                                return d;
                            }
                        }
                        return null;
                    } catch (IOException e) {
                        throw new ModelException(ModelException.Kind.UPSTREAM_ERROR, "stream broke", e);
                    }
                }

                @Override
                public ModelReply reply() {
                    return new ModelReply(all.toString(), List.of(), "stop", null, r.model());
                }

                @Override
                public void close() {
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // closing is all that was asked
                    }
                }
            };
        }
    }

    static ModelProviderContract contract(ModelProvider provider) {
        return new ModelProviderContract() {
            @Override
            protected ModelProvider provider() {
                return provider;
            }

            @Override
            protected Settings settings(String baseUrl) {
                return new Settings(Map.of("base_url", baseUrl));
            }

            @Override
            protected ProviderAnswer completion(String text, long prompt, long completion) {
                return new ProviderAnswer(200, "{\"text\":\"" + text + "\",\"prompt_tokens\":" + prompt
                        + ",\"completion_tokens\":" + completion + "}");
            }

            @Override
            protected String streamed(List<String> pieces, long prompt, long completion) {
                StringBuilder b = new StringBuilder();
                pieces.forEach(p -> b.append("data: ").append(p).append("\n\n"));
                return b.append("data: [DONE]\n\n").toString();
            }
        };
    }

    /** Runs one contract test the way JUnit would: a fresh server around it. */
    private static void run(ModelProviderContract c, ContractCase test) throws Exception {
        c.startServer();
        try {
            test.run(c);
        } finally {
            c.stopServer();
        }
    }

    interface ContractCase {
        void run(ModelProviderContract c) throws Exception;
    }

    @Test
    void aProviderThatKeepsTheContractPasses() {
        assertThatCode(() -> {
            run(contract(new Tiny(false)), ModelProviderContract::itHasAnIdAndASettingsSchema);
            run(contract(new Tiny(false)), ModelProviderContract::aCompletionCarriesTheTextAndTheUsage);
            run(contract(new Tiny(false)), ModelProviderContract::aStreamDeliversThePiecesInOrderAndThenTheWholeReply);
            run(contract(new Tiny(false)), ModelProviderContract::closingAStreamStopsTheUpstreamCall);
            run(contract(new Tiny(false)), ModelProviderContract::failuresAreClassifiedSoTheHubRetriesOnlyWhatMayPass);
            run(contract(new Tiny(false)), ModelProviderContract::anUnreachableServerIsARetryableError);
        }).doesNotThrowAnyException();
    }

    @Test
    void aProviderThatTakesARateLimitForABadRequestFails() {
        assertThatThrownBy(() -> run(contract(new Tiny(true)),
                ModelProviderContract::failuresAreClassifiedSoTheHubRetriesOnlyWhatMayPass))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("status 429");
    }
}
