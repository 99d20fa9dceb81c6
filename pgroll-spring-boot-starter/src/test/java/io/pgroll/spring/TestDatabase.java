package io.pgroll.spring;

import io.pgroll.core.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh embedded database with the schema under test ({@code pgroll.test.schema}, default public) in it. */
record TestDatabase(String url, String schema) {

    static TestDatabase create() {
        String schema = System.getProperty("pgroll.test.schema", "public");
        String url = TestPostgres.newDatabase();
        if (!schema.equals("public")) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return new TestDatabase(url, schema);
    }

    /** The properties of an application using this database, with the migrations of {@code locations}. */
    String[] properties(String strategy, String... locations) {
        return new String[] {
            "spring.datasource.url=" + url,
            "spring.pgroll.schema=" + schema,
            "spring.pgroll.strategy=" + strategy,
            "spring.pgroll.locations=" + String.join(",", locations)
        };
    }

    String versionSchema(String migration) {
        return schema + "_" + migration;
    }
}
