package io.pgroll.core.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Names of the objects pgroll creates, shared with the Go tool so either can finish what the other started.
 *
 * <p>Every name fits PostgreSQL's 63-byte identifier limit: a longer one would be truncated by the server, and two
 * names that differ only past the limit (the triggers of {@code billing_address_line1} and
 * {@code billing_address_line2} on a long table name) would become one object. A name that does not fit keeps its
 * first bytes and ends in a hash of the whole name, so it is stable (replays and reruns find the same object) and
 * distinct for distinct names. Names that fit are left exactly as the Go tool writes them.
 */
public final class Names {
    public static final String PREFIX = "_pgroll_";
    public static final int MAX_IDENTIFIER_BYTES = 63;
    private static final String COPY_PREFIX = PREFIX + "dup_";
    private static final int HASH_CHARS = 8;

    private Names() {
    }

    /**
     * What makes {@code versionSchema} unusable as the name of a version schema, if anything: too long for PostgreSQL,
     * or a character that clients cannot put in {@code search_path} as it is.
     */
    public static Optional<String> versionSchemaProblem(String versionSchema) {
        int bytes = versionSchema.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_IDENTIFIER_BYTES) {
            return Optional.of("version schema name \"" + versionSchema + "\" is " + bytes
                    + " bytes long; PostgreSQL allows " + MAX_IDENTIFIER_BYTES
                    + " (name the migration or its version_schema shorter)");
        }
        return versionSchema.codePoints().filter(c -> c == ',' || c == '"' || c == '\\' || Character.isWhitespace(c)
                || Character.isISOControl(c)).mapToObj(c -> "version schema name \"" + versionSchema + "\" contains "
                + (Character.isWhitespace(c) || Character.isISOControl(c) ? "white space or a control character"
                : "'" + Character.toString(c) + "'") + ", which clients cannot put in search_path as it is "
                + "(use letters, digits, '_', '-' or '.')").findFirst();
    }

    /** The hidden column that holds a new or changed column until complete. */
    public static String newColumn(String virtualColumn) {
        return fit(PREFIX + "new_" + virtualColumn);
    }

    /** The name a dropped table has until complete. */
    public static String deletedTable(String table) {
        return fit(PREFIX + "del_" + table);
    }

    /** Trigger and trigger function that fill {@code column} of {@code table}. */
    public static String trigger(String table, String column) {
        return fit(PREFIX + "trigger_" + table + "_" + column);
    }

    /** The NOT VALID check that stands in for NOT NULL until complete. */
    public static String notNullCheck(String column) {
        return fit(PREFIX + "check_not_null_" + column);
    }

    /** The unique index built concurrently for add_column {@code unique: true}. */
    public static String uniqueIndex(String column) {
        return fit(PREFIX + "uniq_" + column);
    }

    /** The unique constraint add_column {@code unique: true} leaves at complete. */
    public static String uniqueConstraint(String table, String column) {
        return fit(table + "_" + column + "_key");
    }

    /** The copy of a constraint or index that a column copy carries until complete gives it the original's name. */
    public static String copy(String name) {
        return fit(COPY_PREFIX + name);
    }

    /**
     * The name PostgreSQL 18 gives the NOT NULL constraint of a column ({@code <table>_<column>_not_null}, the longer
     * part shortened first until it fits), as its {@code makeObjectName} does.
     */
    public static String notNullConstraint(String table, String column) {
        String label = "not_null";
        byte[] first = table.getBytes(StandardCharsets.UTF_8);
        byte[] second = column.getBytes(StandardCharsets.UTF_8);
        int firstLength = first.length;
        int secondLength = second.length;
        int available = MAX_IDENTIFIER_BYTES - label.length() - 2;
        while (firstLength + secondLength > available) {
            if (firstLength > secondLength) {
                firstLength--;
            } else {
                secondLength--;
            }
        }
        return clip(first, firstLength) + "_" + clip(second, secondLength) + "_" + label;
    }

    /** The longest prefix of {@code text} of at most {@code maxBytes} UTF-8 bytes that does not cut a character. */
    public static String clip(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= maxBytes ? text : clip(bytes, maxBytes);
    }

    /** The longest prefix of at most {@code length} bytes that does not cut a character in two. */
    private static String clip(byte[] name, int length) {
        int keep = length;
        while (keep < name.length && (name[keep] & 0xC0) == 0x80) {
            keep--;
        }
        return new String(name, 0, keep, StandardCharsets.UTF_8);
    }

    /** Whether the name is one {@link #copy} gives. */
    public static boolean isCopy(String name) {
        return name.startsWith(COPY_PREFIX);
    }

    /** The name itself if it fits in 63 bytes, else its longest prefix that leaves room for {@code _<hash>}. */
    static String fit(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_IDENTIFIER_BYTES) {
            return name;
        }
        return clip(bytes, MAX_IDENTIFIER_BYTES - HASH_CHARS - 1) + "_" + hash(bytes);
    }

    private static String hash(byte[] name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name);
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
