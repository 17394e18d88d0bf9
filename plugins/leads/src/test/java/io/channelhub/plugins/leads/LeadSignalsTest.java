package io.channelhub.plugins.leads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeadSignalsTest {

    @Test
    void aPortugueseBuyerWithContactDataScoresHigh() {
        LeadSignals.Found f = LeadSignals.read(List.of("Oi! Quero comprar 40 licenças ainda esta semana.",
                "Meu nome é Ana Souza, sou CTO da Acme. ana.souza@acme.com.br, +55 11 98765-4321"));
        assertEquals("buy", f.intent());
        assertEquals("Ana Souza", f.name());
        assertEquals("ana.souza@acme.com.br", f.email());
        assertEquals("+55 11 98765-4321", f.phone());
        assertEquals("Acme", f.company());
        assertEquals("CTO", f.role());
        assertEquals(100, f.score());
        assertEquals("Oi! Quero comprar 40 licenças ainda esta semana.", f.summary());
    }

    @Test
    void anEnglishPriceQuestionIsAQuoteWithALowerScore() {
        LeadSignals.Found f = LeadSignals.read(List.of("Hi, how much is the premium plan?"));
        assertEquals("quote", f.intent());
        assertEquals(30, f.score());
        assertNull(f.email());
    }

    @Test
    void theStrongestIntentNamesTheLeadWhateverTheOrder() {
        LeadSignals.Found f = LeadSignals.read(List.of("What is the price?", "OK, we want to buy 12 seats. "
                + "My name is John Smith, I am the head of sales at Globex."));
        assertEquals("buy", f.intent());
        assertEquals("John Smith", f.name());
        assertEquals("Globex", f.company());
        assertEquals("head of sales", f.role());
        assertTrue(f.score() >= 60, "score " + f.score());
    }

    @Test
    void aSupportQuestionIsNoLead() {
        LeadSignals.Found f = LeadSignals.read(List.of("My order 1234 has not arrived yet, can you check?",
                "Call me at +1 415 555 0100"));
        assertEquals(0, f.score());
        assertNull(f.intent());
    }

    @Test
    void wordsInsideOtherWordsAndWeekdaysAreNotSignals() {
        LeadSignals.Found f = LeadSignals.read(List.of("Vejo na Segunda os precos"));
        assertEquals("quote", f.intent());
        assertNull(f.company());
        assertEquals(0, LeadSignals.read(List.of("the appraiser came")).score());
    }
}
