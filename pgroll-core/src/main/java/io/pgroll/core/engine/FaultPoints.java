package io.pgroll.core.engine;

/**
 * Named points in start and complete where fault-tolerance tests stop the process dead, as a crash or kill -9 would:
 * set the system property {@code pgroll.fault.halt} to {@code <point>:<n>} (e.g. {@code backfill.fill:3}, or {@code backfill.catchUp:1}) and the
 * JVM halts when the point is reached for the n-th time. Without the property this costs one field read.
 */
final class FaultPoints {
    private static final String HALT_AT = System.getProperty("pgroll.fault.halt");
    private static final java.util.Map<String, Integer> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    private FaultPoints() {
    }

    static void reached(String point) {
        if (HALT_AT == null) {
            return;
        }
        int n = SEEN.merge(point, 1, Integer::sum);
        if (HALT_AT.equals(point + ":" + n)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
