package dev.streamgate.streaming.openai;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the common {@code chat.completion.chunk} (text, refusal, finish reason; no tool calls, usage or error)
 * straight off its UTF-8 bytes, for {@link ChunkReader}: a stream has a chunk per token, and setting up a Jackson
 * parser for each cost more than reading the few fields the gateway acts on.
 *
 * <p>It answers exactly as {@link ChunkReader}'s Jackson reader does, or not at all: anything it does not read
 * itself (a {@code tool_calls}, {@code usage} or {@code error} value, a field of an unexpected type, JSON it finds
 * malformed, text that is not strictly valid UTF-8, nesting deeper than {@value #MAX_DEPTH}, a number longer than
 * {@value #MAX_NUMBER}) makes {@link #scan} return null, and the Jackson reader decides, with its own messages.
 * {@code ChunkScannerTest} holds it to that on mutated and random input.
 */
final class ChunkScanner {
    static final int MAX_DEPTH = 32;
    static final int MAX_NUMBER = 64;

    private static final byte[][] ROOT_KEYS = keys("choices", "usage", "error", "object");
    private static final byte[][] CHOICE_KEYS = keys("index", "delta", "finish_reason");
    private static final byte[][] DELTA_KEYS = keys("content", "refusal", "tool_calls");
    private static final byte[][] ERROR_VALUE = keys("error");
    /** The bytes a string's plain run may hold: printable ASCII but the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];
    /** Flags of a scanned string. */
    private static final int ESCAPED = 1;
    private static final int NON_ASCII = 2;

    static {
        for (int b = 0x20; b < 0x80; b++) {
            PLAIN[b] = b != '"' && b != '\\';
        }
    }

    private final byte[] in;
    private int at;
    /** The last string scanned: its content between the quotes, and its flags. */
    private int stringStart;
    private int stringEnd;
    private int stringFlags;

    /** Thrown to give up; no stack trace, since giving up is an answer, not an error. */
    private static final class GiveUp extends RuntimeException {
        static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private ChunkScanner(byte[] in) {
        this.in = in;
    }

    /** The chunk, or null when the Jackson reader must decide. */
    static ChunkReader.Chunk scan(byte[] utf8Json) {
        try {
            return new ChunkScanner(utf8Json).chunk();
        } catch (GiveUp | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static GiveUp giveUp() {
        return GiveUp.INSTANCE;
    }

    // The structure below mirrors ChunkReader.read / choices / choice / delta field for field.

    private ChunkReader.Chunk chunk() {
        expect('{');
        Choice first = null;
        if (!tryConsume('}')) {
            do {
                int name = key(ROOT_KEYS);
                expect(':');
                switch (name) {
                    case 0 -> { // choices
                        if (tryLiteral("null")) {
                            first = null;
                        } else if (peek() == '[') {
                            first = choices();
                        } else {
                            throw giveUp();
                        }
                    }
                    case 1, 2 -> { // usage, error
                        if (!tryLiteral("null")) {
                            throw giveUp();
                        }
                    }
                    case 3 -> { // object
                        if (peek() == '"') {
                            if (key(ERROR_VALUE) == 0) {
                                throw giveUp();
                            }
                        } else {
                            skipScalar();
                        }
                    }
                    default -> skipValue(1);
                }
            } while (tryConsume(','));
            expect('}');
        }
        skipWhitespace();
        if (at != in.length) {
            throw giveUp();
        }
        return first == null ? new ChunkReader.Chunk(null, null, List.of(), null, null, false, false)
                : new ChunkReader.Chunk(first.content, first.refusal, List.of(), first.finishReason, null, true, false);
    }

    private Choice choices() {
        expect('[');
        Choice first = null;
        if (tryConsume(']')) {
            return null;
        }
        do {
            if (peek() != '{') {
                throw giveUp();
            }
            if (first != null) {
                skipValue(2);
                continue;
            }
            Choice choice = choice();
            if (choice.firstIndex) {
                first = choice;
            }
        } while (tryConsume(','));
        expect(']');
        return first;
    }

    private Choice choice() {
        expect('{');
        Choice choice = new Choice();
        if (tryConsume('}')) {
            return choice;
        }
        do {
            int name = key(CHOICE_KEYS);
            expect(':');
            switch (name) {
                case 0 -> choice.firstIndex = index();
                case 1 -> { // delta
                    if (!tryLiteral("null")) {
                        if (peek() != '{') {
                            throw giveUp();
                        }
                        delta(choice);
                    }
                }
                case 2 -> choice.finishReason = optionalString();
                default -> skipValue(3);
            }
        } while (tryConsume(','));
        expect('}');
        return choice;
    }

    private void delta(Choice choice) {
        expect('{');
        if (tryConsume('}')) {
            return;
        }
        do {
            int name = key(DELTA_KEYS);
            expect(':');
            switch (name) {
                case 0 -> choice.content = optionalString();
                case 1 -> choice.refusal = optionalString();
                case 2 -> { // tool_calls
                    if (!tryLiteral("null")) {
                        throw giveUp();
                    }
                }
                default -> skipValue(4);
            }
        } while (tryConsume(','));
        expect('}');
    }

    /** Jackson's rule: null, or an int-typed number equal to 0; any other value is some other index. */
    private boolean index() {
        if (tryLiteral("null")) {
            return true;
        }
        byte b = peek();
        if (b == '-' || (b >= '0' && b <= '9')) {
            int start = at;
            boolean integral = number();
            int length = at - start;
            return integral && ((length == 1 && in[start] == '0') || (length == 2 && in[start] == '-'
                    && in[start + 1] == '0'));
        }
        skipScalar();
        return false;
    }

    private String optionalString() {
        if (tryLiteral("null")) {
            return null;
        }
        if (peek() != '"') {
            throw giveUp(); // the Jackson reader's "... is not a string" error
        }
        return string();
    }

    // --- JSON (RFC 8259), strictly: anything doubtful gives up

    /**
     * A value the Jackson reader reads as one token without skipping its children: for an object or an array it
     * would go on inside it, which is not worth copying, so those give up.
     */
    private void skipScalar() {
        byte b = peek();
        if (b == '{' || b == '[') {
            throw giveUp();
        }
        skipValue(1);
    }

    private void skipValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw giveUp();
        }
        byte b = peek();
        switch (b) {
            case '"' -> scanString();
            case '{' -> {
                at++;
                if (tryConsume('}')) {
                    return;
                }
                do {
                    skipWhitespace();
                    scanString();
                    expect(':');
                    skipValue(depth + 1);
                } while (tryConsume(','));
                expect('}');
            }
            case '[' -> {
                at++;
                if (tryConsume(']')) {
                    return;
                }
                do {
                    skipValue(depth + 1);
                } while (tryConsume(','));
                expect(']');
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    /** A number; true when it has neither fraction nor exponent. */
    private boolean number() {
        skipWhitespace();
        int start = at;
        if (in[at] == '-') {
            at++;
        }
        if (in[at] == '0') {
            at++;
        } else if (in[at] >= '1' && in[at] <= '9') {
            while (at < in.length && in[at] >= '0' && in[at] <= '9') {
                at++;
            }
        } else {
            throw giveUp();
        }
        boolean integral = true;
        if (at < in.length && in[at] == '.') {
            integral = false;
            at++;
            digits();
        }
        if (at < in.length && (in[at] == 'e' || in[at] == 'E')) {
            integral = false;
            at++;
            if (in[at] == '+' || in[at] == '-') {
                at++;
            }
            digits();
        }
        if (at - start > MAX_NUMBER || (at < in.length && isNumberContinuation(in[at]))) {
            throw giveUp();
        }
        return integral;
    }

    private static boolean isNumberContinuation(byte b) {
        return (b >= '0' && b <= '9') || b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-'
                || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private void digits() {
        int start = at;
        while (at < in.length && in[at] >= '0' && in[at] <= '9') {
            at++;
        }
        if (at == start) {
            throw giveUp();
        }
    }

    /** Scans a string and decodes it. */
    private String string() {
        scanString();
        return decoded();
    }

    /**
     * The index of the string at the cursor (a key, mostly) among {@code names}, or -1: compared on its bytes, so
     * no text is made for it unless it has escapes.
     */
    private int key(byte[][] names) {
        scanString();
        if (stringFlags == 0) {
            int length = stringEnd - stringStart;
            for (int n = 0; n < names.length; n++) {
                byte[] name = names[n];
                if (name.length == length
                        && Arrays.equals(in, stringStart, stringEnd, name, 0, length)) {
                    return n;
                }
            }
            return -1;
        }
        String text = decoded();
        for (int n = 0; n < names.length; n++) {
            if (text.equals(new String(names[n], StandardCharsets.US_ASCII))) {
                return n;
            }
        }
        return -1;
    }

    /**
     * Scans the string at the cursor (after whitespace) to its closing quote, checking it as Jackson would refuse
     * it (raw control characters, unknown escapes) and its UTF-8 strictly; sets {@link #stringStart},
     * {@link #stringEnd} and {@link #stringFlags}, and leaves the cursor after the quote.
     */
    private void scanString() {
        skipWhitespace();
        byte[] bytes = in;
        int i = at;
        if (bytes[i] != '"') {
            throw giveUp();
        }
        int start = ++i;
        int flags = 0;
        while (true) {
            while (PLAIN[bytes[i] & 0xFF]) {
                i++;
            }
            byte b = bytes[i];
            if (b == '"') {
                break;
            }
            if (b == '\\') {
                flags |= ESCAPED;
                byte e = bytes[i + 1];
                if (e == 'u') {
                    for (int k = 2; k < 6; k++) {
                        if (Character.digit(bytes[i + k], 16) < 0) {
                            throw giveUp();
                        }
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                        || e == 't') {
                    i += 2;
                } else {
                    throw giveUp();
                }
                continue;
            }
            if (b < 0x20) {
                if (b >= 0) {
                    throw giveUp();
                }
                flags |= NON_ASCII;
            }
            i++;
        }
        if ((flags & NON_ASCII) != 0) {
            checkUtf8(start, i);
        }
        stringStart = start;
        stringEnd = i;
        stringFlags = flags;
        at = i + 1;
    }

    /** The text of the string last scanned. */
    private String decoded() {
        if (stringFlags == 0) {
            return new String(in, stringStart, stringEnd - stringStart, StandardCharsets.ISO_8859_1);
        }
        if (stringFlags == NON_ASCII) {
            return new String(in, stringStart, stringEnd - stringStart, StandardCharsets.UTF_8);
        }
        StringBuilder text = new StringBuilder(stringEnd - stringStart);
        int i = stringStart;
        while (i < stringEnd) {
            int run = i;
            while (i < stringEnd && in[i] != '\\') {
                i++;
            }
            text.append(new String(in, run, i - run, StandardCharsets.UTF_8));
            if (i == stringEnd) {
                break;
            }
            byte e = in[i + 1];
            switch (e) {
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> text.append((char) Integer.parseInt(new String(in, i + 2, 4, StandardCharsets.US_ASCII),
                        16));
                default -> text.append((char) e); // " \ /
            }
            i += e == 'u' ? 6 : 2;
        }
        return text.toString();
    }

    /** Strictly valid UTF-8 (RFC 3629), or giving up: what else Jackson accepts or refuses is for it to say. */
    private void checkUtf8(int from, int to) {
        int i = from;
        while (i < to) {
            int b = in[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                throw giveUp();
            }
            int code = b & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                if (i + k >= to) {
                    throw giveUp();
                }
                int c = in[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    throw giveUp();
                }
                code = (code << 6) | (c & 0x3F);
            }
            if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
                throw giveUp();
            }
            i += extra + 1;
        }
    }

    private static byte[][] keys(String... names) {
        byte[][] keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            keys[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }

    private void literal(String word) {
        if (!tryLiteral(word)) {
            throw giveUp();
        }
    }

    private boolean tryLiteral(String word) {
        skipWhitespace();
        int length = word.length();
        if (at + length > in.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (in[at + i] != word.charAt(i)) {
                return false;
            }
        }
        if (at + length < in.length && isNumberContinuation(in[at + length])) {
            throw giveUp(); // "nullx", "true1": Jackson's error
        }
        at += length;
        return true;
    }

    private byte peek() {
        skipWhitespace();
        return in[at];
    }

    private void expect(char c) {
        skipWhitespace();
        if (in[at] != c) {
            throw giveUp();
        }
        at++;
    }

    private boolean tryConsume(char c) {
        skipWhitespace();
        if (at < in.length && in[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private void skipWhitespace() {
        while (at < in.length) {
            byte b = in[at];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            at++;
        }
    }

    /** One choice as scanned, as {@code ChunkReader.Choice}. */
    private static final class Choice {
        boolean firstIndex = true;
        String content;
        String refusal;
        String finishReason;
    }
}
