package io.channelhub.plugins.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.channelhub.plugin.privacy.PiiDetector;
import io.channelhub.plugin.privacy.PiiDetector.PiiMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DetectorsTest {

    private static final String TEXT = "Cliente João, CPF 529.982.247-25 e CPF 11912345684, empresa 12.ABC.345/01DE-35 "
            + "(CNPJ 36222349000115), cartão 4111 1111 1111 1111, fone (11) 91234-5678 / +55 11 91234-5678, "
            + "wa 11912345678@s.whatsapp.net, e-mail joao@exemplo.com.br, ip 192.168.0.10 e ::ffff:192.0.2.1. "
            + "Pedido 2026-12-01 às 14:30, R$ 1.234,56, CEP 01310-100, versão 1.2.3, ts 1767225600009.";

    @Test
    void reportsEachPieceOfPersonalDataOnceWithOneType() {
        assertThat(all(TEXT)).containsExactly(
                "cpf 529.982.247-25",
                "cpf 11912345684",          // mobile-shaped, but its check digits make it a CPF
                "cnpj 12.ABC.345/01DE-35",
                "cnpj 36222349000115",      // Luhn-valid, but a CNPJ
                "card 4111 1111 1111 1111",
                "phone (11) 91234-5678",
                "phone +55 11 91234-5678",
                "email 11912345678@s.whatsapp.net",
                "email joao@exemplo.com.br",
                "ip 192.168.0.10",
                "ip ::ffff:192.0.2.1");
    }

    @Test
    void noTwoDetectorsClaimTheSameCharacters() {
        List<PiiMatch> matches = matches(TEXT);
        for (int i = 1; i < matches.size(); i++) {
            assertThat(matches.get(i).start()).as("%s after %s", matches.get(i), matches.get(i - 1))
                    .isGreaterThanOrEqualTo(matches.get(i - 1).end());
        }
    }

    @Test
    void givesTheSameAnswersFromManyThreadsAtOnce() throws Exception {
        List<String> expected = all(TEXT);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                answers.add(pool.submit(() -> all(TEXT)));
            }
            for (Future<List<String>> answer : answers) {
                assertThat(answer.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void survivesLongRepetitiveInputWithoutOverflowingTheStack() {
        List<String> inputs = List.of(
                "1.".repeat(100_000), "a".repeat(200_000) + "@exemplo.com", "a.".repeat(100_000) + "@x",
                "x@" + "a.".repeat(100_000), "+1 ".repeat(50_000), "1:".repeat(100_000), "4111 ".repeat(50_000),
                "(11) ".repeat(50_000), "9".repeat(200_000), "A".repeat(200_000), "@".repeat(100_000));
        for (String input : inputs) {
            for (PiiDetector detector : Detectors.IN_PRECEDENCE_ORDER) {
                assertThat(detector.find(input)).as(detector.type()).isNotNull();
            }
        }
        assertThat(new EmailDetector().find("a".repeat(200_000) + "@exemplo.com")).isEmpty();
    }

    private static List<PiiMatch> matches(String text) {
        List<PiiMatch> matches = new ArrayList<>();
        for (PiiDetector detector : Detectors.IN_PRECEDENCE_ORDER) {
            matches.addAll(detector.find(text));
        }
        matches.sort(Comparator.comparingInt(PiiMatch::start));
        return matches;
    }

    private static List<String> all(String text) {
        return matches(text).stream().map(m -> m.type() + " " + text.substring(m.start(), m.end())).toList();
    }
}
