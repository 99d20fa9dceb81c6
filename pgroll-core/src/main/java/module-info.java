/**
 * pgroll for Java: zero-downtime, reversible schema migrations for PostgreSQL. The API is {@link io.pgroll.core.PgRoll}
 * and the types its methods take and return: the migration model ({@code io.pgroll.core.migration}) and the plans
 * of {@code plan} ({@code io.pgroll.core.explain}). Everything else is internal and may change in any release.
 */
module io.pgroll.core {
    requires transitive java.sql;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports io.pgroll.core;
    exports io.pgroll.core.explain;
    exports io.pgroll.core.migration;
}
