package io.channelhub.plugins.web;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Whether a file's bytes match the type the browser declared, so a script renamed to .png is not stored as an
 * image: magic numbers for images and PDF, valid UTF-8 without NUL bytes for text.
 */
final class FileTypes {

    private FileTypes() {
    }

    static boolean looksLike(String type, byte[] b) {
        return switch (type) {
            case "image/png" -> starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
            case "image/jpeg" -> starts(b, 0xFF, 0xD8, 0xFF);
            case "image/gif" -> starts(b, 'G', 'I', 'F', '8');
            case "image/webp" -> starts(b, 'R', 'I', 'F', 'F') && b.length > 11 && b[8] == 'W' && b[9] == 'E'
                    && b[10] == 'B' && b[11] == 'P';
            case "application/pdf" -> starts(b, '%', 'P', 'D', 'F', '-');
            default -> type.startsWith("text/") ? text(b) : !type.startsWith("image/");
        };
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean text(byte[] b) {
        for (byte x : b) {
            if (x == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
