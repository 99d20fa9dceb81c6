package io.pgroll.cli;

import java.time.Duration;
import java.util.Locale;
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
}
