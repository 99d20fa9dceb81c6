package io.pgroll.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Parses durations written the way the Go tool takes them ({@code time.ParseDuration}): a sequence of decimal numbers,
 * each with a unit ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m}, {@code h}), such as
 * {@code 100ms}, {@code 1.5s} or {@code 1m30s}, with an optional sign; a bare {@code 0} is allowed.
 */
public final class GoDuration {

    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "\u00b5s", 1_000L,
            "\u03bcs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** @throws IllegalArgumentException with a one-line message when {@code text} is not a duration */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("invalid duration: empty");
        }
        String s = text.trim();
        String original = s;
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"\"");
        }
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(original);
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(original);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("missing unit in duration \"" + original + "\"");
            }
            Long nanos = NANOS_PER_UNIT.get(unit);
            if (nanos == null) {
                throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + original + "\"");
            }
            total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos)));
        }
        long n = total.longValue();
        if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("invalid duration \"" + original + "\": too large");
        }
        return Duration.ofNanos(negative ? -n : n);
    }

    /** Formats like Go's {@code Duration.String()} for the common cases ({@code 0s}, {@code 1m30s}, {@code 100ms}). */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long nanos = d.toNanos();
        StringBuilder sb = new StringBuilder();
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000_000_000L) {
            if (nanos % 1_000_000L == 0) {
                return sb.append(nanos / 1_000_000L).append("ms").toString();
            }
            if (nanos % 1_000L == 0) {
                return sb.append(nanos / 1_000L).append("\u00b5s").toString();
            }
            return sb.append(nanos).append("ns").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        nanos %= 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L;
        nanos %= 60_000_000_000L;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        BigDecimal seconds = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
        return sb.append(seconds.scale() < 0 ? seconds.setScale(0).toPlainString() : seconds.toPlainString())
                .append('s').toString();
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration \"" + text + "\"");
    }
}
