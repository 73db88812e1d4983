package dev.streamgate.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of a bench main: {@code --name value}, {@code --name=value} and bare {@code --flag}s. Every
 * option is read once; {@link #rejectUnknown()} then refuses whatever no one asked for, so a misspelt option fails
 * the run instead of being ignored.
 */
final class CliArgs {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    private final Map<String, String> values = new LinkedHashMap<>();

    private CliArgs() {
    }

    static CliArgs parse(String... args) {
        CliArgs parsed = new CliArgs();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options look like --name value");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                name = arg.substring(2);
                value = args[++i];
            } else {
                name = arg.substring(2);
                value = "true";
            }
            if (parsed.values.put(name, value) != null) {
                throw new IllegalArgumentException("--" + name + " is given twice");
            }
        }
        return parsed;
    }

    String string(String name, String fallback) {
        String value = values.remove(name);
        return value == null ? fallback : value;
    }

    String required(String name) {
        String value = values.remove(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    boolean flag(String name) {
        String value = values.remove(name);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + " takes no value or true/false, was '"
                    + value + "'");
        };
    }

    long longValue(String name, long fallback, long min, long max) {
        String value = values.remove(name);
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("--" + name + " must be within " + min + ".." + max + ", was " + parsed);
        }
        return parsed;
    }

    int intValue(String name, int fallback, int min, int max) {
        return (int) longValue(name, fallback, min, max);
    }

    double doubleValue(String name, double fallback, double min, double max) {
        String value = values.remove(name);
        if (value == null) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was '" + value + "'");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new IllegalArgumentException("--" + name + " must be within " + min + ".." + max + ", was " + value);
        }
        return parsed;
    }

    /** {@code 250ms}, {@code 5s}, {@code 2m}, or a bare number of seconds. */
    Duration duration(String name, Duration fallback, Duration max) {
        String value = values.remove(name);
        if (value == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--" + name + " must be a duration such as 500ms, 5s or 2m, was '"
                    + value + "'");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            default -> amount * 1_000;
        };
        Duration parsed = Duration.ofNanos(Math.round(millis * 1_000_000));
        if (parsed.compareTo(max) > 0) {
            throw new IllegalArgumentException("--" + name + " must be at most " + max.toSeconds() + "s, was " + value);
        }
        return parsed;
    }

    Path path(String name) {
        String value = values.remove(name);
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    void rejectUnknown() {
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", values.keySet()));
        }
    }
}
