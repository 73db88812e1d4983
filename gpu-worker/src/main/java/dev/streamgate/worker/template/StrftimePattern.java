package dev.streamgate.worker.template;

/** Translates the strftime directives chat templates use ({@code "%d %b %Y"}) into a DateTimeFormatter pattern. */
final class StrftimePattern {
    private StrftimePattern() {
    }

    static String toJava(String strftime) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < strftime.length(); i++) {
            char c = strftime.charAt(i);
            if (c != '%' || i + 1 == strftime.length()) {
                literal.append(c);
                continue;
            }
            String field = switch (strftime.charAt(++i)) {
                case 'd' -> "dd";
                case 'e' -> "d";
                case 'm' -> "MM";
                case 'b', 'h' -> "MMM";
                case 'B' -> "MMMM";
                case 'y' -> "yy";
                case 'Y' -> "yyyy";
                case 'H' -> "HH";
                case 'I' -> "hh";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'p' -> "a";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'j' -> "DDD";
                case 'Z' -> "zzz";
                case 'z' -> "xx";
                case '%' -> null;
                default -> throw new IllegalArgumentException("unsupported strftime directive %" + strftime.charAt(i));
            };
            if (field == null) {
                literal.append('%');
                continue;
            }
            flush(literal, out);
            out.append(field);
        }
        flush(literal, out);
        return out.toString();
    }

    private static void flush(StringBuilder literal, StringBuilder out) {
        if (!literal.isEmpty()) {
            out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
