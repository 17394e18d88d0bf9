package io.channelhub.hub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.channelhub.hub.support.FakeOpenAi;
import io.channelhub.hub.support.FakeModelHubTest;
import io.channelhub.hub.support.TestHub;
import io.dropwizard.testing.ConfigOverride;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} while the first request still runs: a repeat gets a JSON 409 with {@code Retry-After};
 * once the node running it is gone (its lease ended), exactly one of several racing retries runs it again.
 */
abstract class IdempotencyContract extends FakeModelHubTest {

    @Override
    protected List<ConfigOverride> moreOverrides() {
        // A short lease, so renewal is seen within a test.
        return List.of(ConfigOverride.config("idempotencyLease", "1s"));
    }

    /** {tenant key, messages path}. */
    private String[] conversation() {
        String t = hub.createTenant(slug("idem"));
        String key = hub.createKey(t, "admin").get("key").asText();
        TestHub.check(hub.post(key, "/v1/agents", Map.of("slug", "idem-agent", "name", "I")), 201);
        String c = TestHub.check(hub.post(key, "/v1/conversations", Map.of()), 201).json().get("id").asText();
        return new String[] {key, "/v1/conversations/" + c + "/messages"};
    }

    private TestHub.Reply post(String key, String path, String idemKey, String body) {
        return hub.call("POST", path, Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json",
                "Idempotency-Key", idemKey), body);
    }

    @Test
    void aRepeatWhileTheFirstRunsIsAJson409WithRetryAfter() throws Exception {
        String[] c = conversation();
        CountDownLatch release = new CountDownLatch(1);
        model.then(new FakeOpenAi.Held(release, FakeOpenAi.chatReply("first answer", 3, 2)));
        String body = "{\"content\":\"hello\"}";
        CompletableFuture<TestHub.Reply> first = CompletableFuture.supplyAsync(() -> post(c[0], c[1], "k-1", body));
        await().atMost(Duration.ofSeconds(30)).until(() -> model.requests().size() == 1);

        TestHub.Reply repeat = post(c[0], c[1], "k-1", body);
        assertThat(repeat.status()).as(repeat.body()).isEqualTo(409);
        assertThat(repeat.code()).isEqualTo("idempotency_in_progress");
        assertThat(repeat.json().get("error").get("message").asText()).isNotBlank();
        assertThat(repeat.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(Integer.parseInt(repeat.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 5);

        release.countDown();
        TestHub.Reply done = first.get();
        assertThat(done.status()).as(done.body()).isEqualTo(201);
        TestHub.Reply replay = post(c[0], c[1], "k-1", body);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replay.json().get("reply").get("content").asText()).isEqualTo("first answer");
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void exactlyOneRetryTakesOverTheKeyOfANodeThatDied() throws Exception {
        String[] c = conversation();
        String body = "{\"content\":\"hello again\"}";
        CountDownLatch firstRelease = new CountDownLatch(1);
        model.then(new FakeOpenAi.Held(firstRelease, FakeOpenAi.chatReply("from the dead node", 3, 2)));
        CompletableFuture<TestHub.Reply> first = CompletableFuture.supplyAsync(() -> post(c[0], c[1], "k-2", body));
        await().atMost(Duration.ofSeconds(30)).until(() -> model.requests().size() == 1);
        // As if the node running it had died: another claim, whose lease nobody renews, ran out.
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE idempotency_records SET claim_id = 'idm_dead', "
                + "lease_until = :past WHERE idem_key = 'k-2'").bind("past", Instant.now().minusSeconds(60))
                .execute());

        CountDownLatch retryRelease = new CountDownLatch(1);
        model.then(new FakeOpenAi.Held(retryRelease, FakeOpenAi.chatReply("from the retry", 3, 2)));
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<TestHub.Reply>> retries = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                retries.add(pool.submit(() -> {
                    start.await();
                    return post(c[0], c[1], "k-2", body);
                }));
            }
            start.countDown();
            // Every loser answers at once; the one taker waits at the model.
            await().atMost(Duration.ofSeconds(30)).until(() -> retries.stream().filter(Future::isDone).count()
                    == racers - 1 && model.requests().size() == 2);
            retryRelease.countDown();
            List<TestHub.Reply> replies = new ArrayList<>();
            for (Future<TestHub.Reply> f : retries) {
                replies.add(f.get());
            }
            assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(1);
            assertThat(replies).filteredOn(r -> r.status() == 409)
                    .hasSize(racers - 1).allMatch(r -> "idempotency_in_progress".equals(r.code()));
        } finally {
            retryRelease.countDown();
            firstRelease.countDown();
            pool.shutdownNow();
        }
        first.get();
        // The dead node's late answer does not replace what the taker stored.
        TestHub.Reply replay = post(c[0], c[1], "k-2", body);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replay.json().get("reply").get("content").asText()).isEqualTo("from the retry");
        // The taker answered the message the dead node had stored; it did not store it a second time.
        assertThat(userMessages(c, "hello again")).isEqualTo(1);
    }

    private long userMessages(String[] c, String content) {
        long n = 0;
        for (var m : hub.get(c[0], c[1]).json().get("data")) {
            if ("user".equals(m.get("role").asText()) && content.equals(m.get("content").asText())) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aRetryAfterANodeDiedBetweenItsReplyAndItsAnswerGetsThatReplyWithoutAskingTheModelAgain() {
        String[] c = conversation();
        String body = "{\"content\":\"did it arrive?\"}";
        model.then(FakeOpenAi.chatReply("yes, it did", 3, 2));
        assertThat(post(c[0], c[1], "k-4", body).status()).isEqualTo(201);
        // As if the node had stored the reply and died before storing the key's answer.
        hub.app().jdbi().useHandle(h -> h.createUpdate("UPDATE idempotency_records SET status = NULL, response = NULL, "
                + "claim_id = 'idm_dead', lease_until = :past WHERE idem_key = 'k-4'")
                .bind("past", Instant.now().minusSeconds(60)).execute());
        TestHub.Reply retry = post(c[0], c[1], "k-4", body);
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.json().get("reply").get("content").asText()).isEqualTo("yes, it did");
        assertThat(model.requests()).as("the model is not asked twice").hasSize(1);
        assertThat(userMessages(c, "did it arrive?")).isEqualTo(1);
        // Its answer is now the key's: a further repeat is a replay.
        assertThat(post(c[0], c[1], "k-4", body).headers().firstValue("Idempotent-Replayed")).contains("true");
    }

    private Instant leaseOf(String idemKey) {
        return hub.app().jdbi().withHandle(h -> h.createQuery("SELECT lease_until FROM idempotency_records WHERE "
                + "idem_key = :k").bind("k", idemKey).mapTo(Instant.class).one());
    }

    @Test
    void aLongRequestKeepsItsKeyWhileItsNodeRenewsTheLease() throws Exception {
        String[] c = conversation();
        CountDownLatch release = new CountDownLatch(1);
        model.then(new FakeOpenAi.Held(release, FakeOpenAi.chatReply("slow answer", 3, 2)));
        String body = "{\"content\":\"take your time\"}";
        CompletableFuture<TestHub.Reply> first = CompletableFuture.supplyAsync(() -> post(c[0], c[1], "k-3", body));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> model.requests().size() == 1);
            Instant firstLease = leaseOf("k-3");
            // Renewed past the end of the first lease: the request now runs longer than one lease.
            await().atMost(Duration.ofSeconds(30)).until(() -> leaseOf("k-3").isAfter(firstLease.plusSeconds(1)));
            TestHub.Reply repeat = post(c[0], c[1], "k-3", body);
            assertThat(repeat.status()).as(repeat.body()).isEqualTo(409);
            assertThat(repeat.code()).isEqualTo("idempotency_in_progress");
        } finally {
            release.countDown();
        }
        assertThat(first.get().status()).isEqualTo(201);
        assertThat(model.requests()).hasSize(1);
    }
}
