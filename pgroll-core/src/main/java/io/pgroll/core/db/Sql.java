package io.pgroll.core.db;

import java.util.Collection;
import java.util.stream.Collectors;

/** Quoting of identifiers and literals. Every identifier the tool writes into SQL goes through {@link #ident}. */
public final class Sql {

    private Sql() {
    }

    public static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    public static String qualified(String schema, String name) {
        return ident(schema) + "." + ident(name);
    }

    /** A string literal; the server runs with standard_conforming_strings (the default since 9.1). */
    public static String literal(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }

    /** The body as a dollar-quoted string, with a tag ({@code $pgroll$}, {@code $pgroll0$}...) that it does not hold. */
    public static String dollarQuote(String body) {
        String tag = "$pgroll$";
        for (int i = 0; body.contains(tag); i++) {
            tag = "$pgroll" + i + "$";
        }
        return tag + "\n" + body + "\n" + tag;
    }

    public static String identList(Collection<String> names) {
        return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }

    /**
     * Wraps a user SQL expression in parentheses unless it already starts with one, so that {@code select x}
     * becomes a scalar subquery and operators bind as the author meant.
     */
    public static String parenthesize(String expression) {
        String trimmed = expression.strip();
        return trimmed.startsWith("(") && balancedOuterParens(trimmed) ? trimmed : "(" + trimmed + ")";
    }

    private static boolean balancedOuterParens(String s) {
        if (!s.endsWith(")")) {
            return false;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                inString = !inString;
            } else if (!inString && c == '(') {
                depth++;
            } else if (!inString && c == ')') {
                depth--;
                if (depth == 0 && i < s.length() - 1) {
                    return false;
                }
            }
        }
        return depth == 0;
    }

    /**
     * Replaces references to column {@code from} in a SQL expression with the SQL text {@code replacement}. String
     * literals are left alone, unquoted identifiers match case-insensitively (PostgreSQL folds them to lower case),
     * quoted ones exactly, and identifiers that merely contain {@code from} (such as {@code valid} for {@code id}) or
     * follow a dot (another table's column) are not touched.
     */
    public static String replaceIdentifier(String expression, String from, String replacement) {
        StringBuilder out = new StringBuilder(expression.length() + 16);
        int i = 0;
        int n = expression.length();
        while (i < n) {
            char c = expression.charAt(i);
            if (c == '\'') {
                int end = skipQuoted(expression, i, '\'');
                out.append(expression, i, end);
                i = end;
            } else if (c == '"') {
                int end = skipQuoted(expression, i, '"');
                String name = expression.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\"");
                out.append(name.equals(from) && !afterDot(expression, i) ? replacement : expression.substring(i, end));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < n && (Character.isLetterOrDigit(expression.charAt(end)) || expression.charAt(end) == '_'
                        || expression.charAt(end) == '$')) {
                    end++;
                }
                String word = expression.substring(i, end);
                boolean matches = word.toLowerCase(java.util.Locale.ROOT).equals(from) && !afterDot(expression, i);
                out.append(matches ? replacement : word);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Renames column {@code from} to {@code to} in a SQL expression (see {@link #replaceIdentifier}). */
    public static String renameIdentifier(String expression, String from, String to) {
        return replaceIdentifier(expression, from, ident(to));
    }

    private static int skipQuoted(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static boolean afterDot(String s, int index) {
        int j = index - 1;
        while (j >= 0 && Character.isWhitespace(s.charAt(j))) {
            j--;
        }
        return j >= 0 && s.charAt(j) == '.';
    }
}
