package io.pgroll.core.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The top-level statements of a SQL script, told apart the way psql tells them apart: semicolons inside string
 * literals, quoted identifiers, dollar-quoted bodies, comments and SQL-standard function bodies
 * ({@code BEGIN ATOMIC ... END}) do not end a statement. Only the first words of each statement are kept.
 */
public final class SqlScript {
    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK",
            "ABORT", "SAVEPOINT", "RELEASE", "PREPARE");

    private SqlScript() {
    }

    /**
     * The first top-level statement that controls the transaction ({@code BEGIN}, {@code COMMIT}, {@code ROLLBACK},
     * {@code SAVEPOINT}, {@code PREPARE TRANSACTION}...), as its first words; empty if there is none.
     */
    public static Optional<String> transactionControl(String script) {
        for (List<String> words : statements(script).stream().map(Statement::words).toList()) {
            String first = words.get(0);
            boolean prepareTransaction = first.equals("PREPARE") && words.size() > 1 && words.get(1).equals("TRANSACTION");
            if (TRANSACTION_CONTROL.contains(first) && (!first.equals("PREPARE") || prepareTransaction)) {
                return Optional.of(String.join(" ", words));
            }
        }
        return Optional.empty();
    }

    /**
     * The text of each non-empty top-level statement, without its terminating semicolon: what PostgreSQL would run one
     * after the other if it received the script as one simple query.
     */
    public static List<String> split(String script) {
        return statements(script).stream().map(Statement::text).toList();
    }

    /** @param words the first words (up to three, upper-cased) */
    record Statement(String text, List<String> words) {
    }

    static List<Statement> statements(String script) {
        List<Statement> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        int start = 0;
        boolean createsRoutine = false;
        int atomicDepth = 0;
        String previous = "";
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int next = skipNonCode(script, i);
            if (next != i) {
                i = next;
            } else if (c == ';' && atomicDepth == 0) {
                if (!words.isEmpty()) {
                    out.add(new Statement(script.substring(start, i).strip(), words));
                }
                start = i + 1;
                words = new ArrayList<>();
                createsRoutine = false;
                previous = "";
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < n && isWordChar(script.charAt(end))) {
                    end++;
                }
                String word = script.substring(i, end).toUpperCase(Locale.ROOT);
                if (words.size() < 3) {
                    words.add(word);
                }
                if (words.size() == 1 && !word.equals("CREATE")) {
                    createsRoutine = false;
                } else if (word.equals("FUNCTION") || word.equals("PROCEDURE")) {
                    createsRoutine = words.get(0).equals("CREATE");
                }
                if (createsRoutine) {
                    // A SQL-standard body holds semicolons; CASE ... END nests inside it.
                    if (word.equals("ATOMIC") && previous.equals("BEGIN") || atomicDepth > 0 && word.equals("CASE")) {
                        atomicDepth++;
                    } else if (atomicDepth > 0 && word.equals("END")) {
                        atomicDepth--;
                    }
                }
                previous = word;
                i = end;
            } else {
                if (!Character.isWhitespace(c) && words.isEmpty()) {
                    words.add(String.valueOf(c));
                }
                i++;
            }
        }
        if (!words.isEmpty()) {
            out.add(new Statement(script.substring(start).strip(), words));
        }
        return out;
    }

    /**
     * The index just after the comment, quoted string, quoted identifier or dollar-quoted string that starts at
     * {@code i}, or {@code i} itself when none starts there; one left unterminated runs to the end of the text.
     */
    public static int skipNonCode(String text, int i) {
        int n = text.length();
        char c = text.charAt(i);
        if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
            int end = text.indexOf('\n', i);
            return end < 0 ? n : end + 1;
        }
        if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
            return skipBlockComment(text, i);
        }
        if (c == '\'') {
            boolean escapes = i > 0 && (text.charAt(i - 1) == 'E' || text.charAt(i - 1) == 'e')
                    && (i < 2 || !isWordChar(text.charAt(i - 2)));
            return skipQuoted(text, i, '\'', escapes);
        }
        if (c == '"') {
            return skipQuoted(text, i, '"', false);
        }
        String tag = c == '$' ? dollarTag(text, i) : null;
        if (tag != null) {
            int end = text.indexOf(tag, i + tag.length());
            return end < 0 ? n : end + tag.length();
        }
        return i;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static int skipBlockComment(String s, int start) {
        int depth = 0;
        int i = start;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static int skipQuoted(String s, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** The dollar-quote opening tag ({@code $$} or {@code $name$}) at {@code i}, or null (e.g. a parameter {@code $1}). */
    private static String dollarTag(String s, int i) {
        if (i > 0 && isWordChar(s.charAt(i - 1))) {
            return null; // part of an identifier such as a$b
        }
        int j = i + 1;
        while (j < s.length() && (Character.isLetter(s.charAt(j)) || s.charAt(j) == '_'
                || j > i + 1 && Character.isDigit(s.charAt(j)))) {
            j++;
        }
        return j < s.length() && s.charAt(j) == '$' ? s.substring(i, j + 1) : null;
    }
}
