package io.pgroll.core.explain;

import java.util.Locale;

/** PostgreSQL's table-level lock modes, weakest first (the order of the explicit-locking documentation). */
public enum LockMode {
    ACCESS_SHARE,
    ROW_SHARE,
    ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    SHARE,
    SHARE_ROW_EXCLUSIVE,
    EXCLUSIVE,
    ACCESS_EXCLUSIVE;

    /** The name PostgreSQL's documentation and {@code LOCK TABLE} use, e.g. {@code ACCESS EXCLUSIVE}. */
    public String sqlName() {
        return name().replace('_', ' ');
    }

    /** Whether the mode keeps other sessions from writing the table (SHARE and stronger). */
    public boolean blocksWrites() {
        return compareTo(SHARE) >= 0;
    }

    /** Whether the mode keeps other sessions from reading the table. */
    public boolean blocksReads() {
        return this == ACCESS_EXCLUSIVE;
    }

    /** From a {@code LOCK TABLE} mode ({@code SHARE ROW EXCLUSIVE}) or a {@code pg_locks.mode} ({@code ShareRowExclusiveLock}). */
    public static LockMode parse(String text) {
        String t = text.trim();
        if (t.endsWith("Lock")) {
            t = t.substring(0, t.length() - 4).replaceAll("([a-z])([A-Z])", "$1 $2");
        }
        return valueOf(t.toUpperCase(Locale.ROOT).replaceAll("\\s+", "_"));
    }
}
