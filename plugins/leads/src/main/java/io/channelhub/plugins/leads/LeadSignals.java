package io.channelhub.plugins.leads;

import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic rule set: what a contact's own messages in a conversation say about buying (in Portuguese,
 * English and Spanish) and who they are. Phrases are compared without case or accents; the contact's data is taken
 * from their words as written. The score adds what was found: an intent to buy weighs most, a price question or a
 * demo request less, volume, urgency and contact data raise it; 100 at most.
 */
final class LeadSignals {

    /** Intents, strongest first: the first one found names the lead's intent. */
    private static final Map<String, Intent> INTENTS = new LinkedHashMap<>();

    private record Intent(int weight, List<String> phrases) {
    }

    static {
        INTENTS.put("buy", new Intent(45, List.of("quero comprar", "queremos comprar", "gostaria de comprar",
                "quero contratar", "queremos contratar", "gostaria de contratar", "quero assinar", "fechar negocio",
                "fechar o contrato", "want to buy", "would like to buy", "we want to purchase", "ready to buy",
                "sign up for", "sign the contract", "quiero comprar", "queremos contratar", "quiero contratar")));
        INTENTS.put("quote", new Intent(30, List.of("orcamento", "cotacao", "quanto custa", "quanto custam",
                "qual o preco", "qual o valor", "tabela de precos", "precos", "preco", "pricing", "price", "quote",
                "how much", "cotizacion", "presupuesto", "cuanto cuesta", "precio")));
        INTENTS.put("demo", new Intent(25, List.of("demonstracao", "agendar uma reuniao", "marcar uma reuniao",
                "teste gratis", "periodo de teste", "book a demo", "schedule a demo", "a demo", "free trial",
                "schedule a call", "demostracion", "agendar una reunion", "prueba gratis")));
    }

    private static final Pattern VOLUME = Pattern.compile("\\b\\d{1,6}\\s*(licencas|licenses|usuarios|users|seats|"
            + "assentos|unidades|units|lojas|stores|funcionarios|employees|atendentes|agents|licencias)\\b");
    private static final List<String> URGENCY = List.of("urgente", "ainda hoje", "esta semana", "este mes",
            "o quanto antes", "asap", "this week", "today", "right away", "this month", "lo antes posible",
            "esta semana");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,24}");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w@])\\+?\\d[\\d\\s().-]{8,18}\\d(?!\\w)");
    private static final String NAME_WORD = "\\p{Lu}[\\p{L}'-]+";
    private static final Pattern NAME = Pattern.compile("(?i:meu nome (?:e|é)|me chamo|aqui (?:e|é) (?:o|a)|"
            + "my name is|me llamo|mi nombre es)\\s+(" + NAME_WORD + "(?:\\s+" + NAME_WORD
            + "){0,2})");
    private static final Pattern ROLE = Pattern.compile("(?i)\\b(?:sou|i am|i'm|soy)\\s+(?:o |a |the |an? |el |la )?"
            + "(ceo|cto|cfo|coo|cmo|founder|co-founder|fundador[a]?|s[oó]ci[oa]|owner|dono|dona|"
            + "(?:gerente|diretor[a]?|director|manager|head|coordenador[a]?|coordinator|vp)"
            + "(?:\\s+(?:de|of|da|do|del)\\s+[\\p{L}]+)?)\\b");
    private static final String COMPANY_WORD = "\\p{Lu}[\\p{L}\\d&-]*(?:\\.[\\p{L}\\d&-]+)*";
    private static final Pattern COMPANY = Pattern.compile("(?:\\b(?i:da empresa|na empresa|empresa|da|na|do|"
            + "from|at|company|de la empresa|en)\\s+)(" + COMPANY_WORD + "(?:\\s+" + COMPANY_WORD + "){0,3})");

    private LeadSignals() {
    }

    /** What was found. {@code score} 0: nothing that looks like a lead. */
    record Found(String intent, int score, String name, String email, String phone, String company, String role,
                 String summary) {
    }

    /** Reads a contact's messages, oldest first. */
    static Found read(List<String> said) {
        String intent = null;
        int score = 0;
        String summary = null;
        String name = null;
        String email = null;
        String phone = null;
        String company = null;
        String role = null;
        boolean volume = false;
        boolean urgent = false;
        for (String text : said) {
            if (text == null || text.isBlank()) {
                continue;
            }
            String plain = " " + normalize(text) + " ";
            for (var e : INTENTS.entrySet()) {
                if (e.getValue().phrases().stream().anyMatch(p -> plain.contains(" " + p + " "))) {
                    if (intent == null || INTENTS.get(intent).weight() < e.getValue().weight()) {
                        intent = e.getKey();
                        summary = text.strip().length() > 300 ? text.strip().substring(0, 300) : text.strip();
                    }
                }
            }
            volume |= VOLUME.matcher(plain).find();
            urgent |= URGENCY.stream().anyMatch(u -> plain.contains(" " + u + " "));
            email = first(EMAIL, text, 0, email);
            String digits = first(PHONE, text, 0, null);
            if (phone == null && digits != null && digits.replaceAll("\\D", "").length() >= 10) {
                phone = digits.strip();
            }
            name = first(NAME, text, 1, name);
            role = first(ROLE, text, 1, role);
            company = company(text, company);
        }
        if (intent == null) {
            return new Found(null, 0, name, email, phone, company, role, null);
        }
        score = INTENTS.get(intent).weight();
        score += volume ? 15 : 0;
        score += urgent ? 10 : 0;
        score += email != null ? 10 : 0;
        score += phone != null ? 10 : 0;
        score += name != null ? 5 : 0;
        score += company != null ? 5 : 0;
        score += role != null ? 5 : 0;
        return new Found(intent, Math.min(100, score), name, email, phone, company, role, summary);
    }

    private static String company(String text, String found) {
        if (found != null) {
            return found;
        }
        Matcher m = COMPANY.matcher(text);
        while (m.find()) {
            String candidate = m.group(1);
            // "na Segunda", "at Monday": a weekday or a month is not a company.
            if (!List.of("segunda", "terca", "quarta", "quinta", "sexta", "sabado", "domingo", "monday", "tuesday",
                    "wednesday", "thursday", "friday", "saturday", "sunday").contains(normalize(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static String first(Pattern p, String text, int group, String found) {
        if (found != null) {
            return found;
        }
        Matcher m = p.matcher(text);
        return m.find() ? m.group(group) : null;
    }

    static String normalize(String s) {
        String plain = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        return plain.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }
}
