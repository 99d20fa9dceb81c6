package io.pgroll.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

final class Converters {

    private Converters() {
    }

    /** Booleans as Go's strconv.ParseBool reads them (flags and PGROLL_* variables). */
    static final class GoBoolConverter implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return parseBool(value);
        }
    }

    static boolean parseBool(String value) {
        switch (value.trim()) {
            case "1", "t", "T", "true", "TRUE", "True" -> {
                return true;
            }
            case "0", "f", "F", "false", "FALSE", "False" -> {
                return false;
            }
            default -> {
                String lower = value.trim().toLowerCase(Locale.ROOT);
                if (lower.equals("yes") || lower.equals("on")) {
                    return true;
                }
                if (lower.equals("no") || lower.equals("off")) {
                    return false;
                }
                throw new TypeConversionException("invalid boolean '" + value + "' (expected true or false)");
            }
        }
    }

    static final class GoDurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return GoDuration.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Sizes as postgresql.conf writes memory settings: bytes, or a whole number with B, kB, MB, GB or TB (1024s). */
    static final class ByteSizeConverter implements ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
        private static final Map<String, Long> UNITS = Map.of("", 1L, "B", 1L, "kB", 1L << 10, "MB", 1L << 20,
                "GB", 1L << 30, "TB", 1L << 40);

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim());
            Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
            if (unit == null) {
                throw new TypeConversionException("invalid size '" + value + "' (expected bytes, or a whole number "
                        + "with a unit B, kB, MB, GB or TB, e.g. 16MB)");
            }
            try {
                return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new TypeConversionException("size '" + value + "' is too large");
            }
        }
    }
}
