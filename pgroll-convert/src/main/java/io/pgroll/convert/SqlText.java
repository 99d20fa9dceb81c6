package io.pgroll.convert;

import io.pgroll.core.db.SqlScript;

/**
 * Finds places in SQL source text that the parse tree does not give (where an expression ends, a keyword at the
 * top level), skipping quoted strings, quoted identifiers, dollar quotes and comments.
 */
final class SqlText {

    private SqlText() {}

    /** Tells whether the scan stops at character {@code c} at index {@code i}, {@code depth} brackets deep. */
    private interface Stop {
        boolean at(int i, char c, int depth);
    }

    /**
     * The first index in [{@code from}, {@code to}) outside literals and comments where {@code stop} says so, else -1;
     * the depth of an opening or closing bracket is the one outside it.
     */
    private static int find(String s, int from, int to, Stop stop) {
        int depth = 0;
        int i = from;
        while (i < to) {
            int next = SqlScript.skipNonCode(s, i);
            if (next != i) {
                i = next;
                continue;
            }
            char c = s.charAt(i);
            if (c == ')' || c == ']') {
                depth--;
            }
            if (stop.at(i, c, c == ')' || c == ']' ? depth + 1 : depth)) {
                return i;
            }
            if (c == '(' || c == '[') {
                depth++;
            }
            i++;
        }
        return -1;
    }

    /** Where the expression starting at {@code from} ends: a top-level {@code ,}, {@code )} or {@code ;}. */
    static int expressionEnd(String s, int from) {
        int end = find(s, from, s.length(), (i, c, depth) -> depth == 0 && (c == ',' || c == ';')
                || depth == 0 && (c == ')' || c == ']'));
        return end < 0 ? s.length() : end;
    }

    /** The first top-level (not in parentheses) occurrence of {@code word} at or after {@code from}, else -1. */
    static int keyword(String s, int from, int to, String word) {
        return find(s, from, to, (i, c, depth) -> depth == 0 && s.regionMatches(true, i, word, 0, word.length())
                && (i == 0 || !isWordChar(s.charAt(i - 1)))
                && (i + word.length() >= s.length() || !isWordChar(s.charAt(i + word.length()))));
    }

    /** The text inside the first parenthesis at or after {@code from}, trimmed; null when there is none. */
    static String parenthesised(String s, int from) {
        int open = find(s, from, s.length(), (i, c, depth) -> c == '(');
        if (open < 0) {
            return null;
        }
        int close = find(s, open + 1, s.length(), (i, c, depth) -> depth == 0 && c == ')');
        return s.substring(open + 1, close < 0 ? s.length() : close).trim();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** {@code s} without parentheses that enclose all of it: {@code ((a > 0))} is {@code a > 0}. */
    static String unparenthesised(String s) {
        String out = s.trim();
        while (out.startsWith("(") && expressionEnd(out, 1) == out.length() - 1) {
            out = out.substring(1, out.length() - 1).trim();
        }
        return out;
    }

    /**
     * {@code s} with its psql meta-commands (a line starting with a backslash outside any literal, comment or
     * statement text, e.g. pg_dump's {@code \restrict}) replaced by spaces: same length, same lines.
     */
    static String withoutMetaCommands(String s) {
        StringBuilder out = new StringBuilder(s);
        int i = 0;
        boolean lineStart = true;
        while (i < s.length()) {
            int next = SqlScript.skipNonCode(s, i);
            if (next != i) {
                i = next;
                lineStart = s.charAt(i - 1) == '\n';
                continue;
            }
            char c = s.charAt(i);
            if (lineStart && c == '\\') {
                int end = s.indexOf('\n', i);
                end = end < 0 ? s.length() : end;
                for (int k = i; k < end; k++) {
                    out.setCharAt(k, ' ');
                }
                i = end;
                continue;
            }
            if (c == '\n') {
                lineStart = true;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                lineStart = false;
            }
            i++;
        }
        return out.toString();
    }

    /** The first index at or after {@code from} that is not white space or part of a comment. */
    static int tokenStart(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("--", i) || s.startsWith("/*", i)) {
                i = SqlScript.skipNonCode(s, i);
            } else {
                break;
            }
        }
        return i;
    }
}
