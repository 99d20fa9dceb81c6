package io.pgroll.core.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlScriptTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "COMMIT; CREATE TABLE a (id int); BEGIN",
            "create table a (id int);\nbegin;",
            "START TRANSACTION; CREATE TABLE a (id int)",
            "CREATE TABLE a (id int); end",
            "rollback",
            "SAVEPOINT s",
            "/* comment; */ -- another ;\n COMMIT",
            "PREPARE TRANSACTION 'x'"})
    void transactionControlIsFound(String sql) {
        assertEquals(true, SqlScript.transactionControl(sql).isPresent(), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE a (id int)",
            "DO $$ BEGIN PERFORM 1; COMMIT; END $$",
            "DO $body$ BEGIN RAISE NOTICE 'x; begin'; END $body$; CREATE TABLE b ()",
            "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 END; "
                    + "SELECT 2; END; CREATE TABLE c ()",
            "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END",
            "INSERT INTO t (v) VALUES ('COMMIT; BEGIN')",
            "INSERT INTO t (v) VALUES (E'it\\'s; COMMIT')",
            "CREATE TABLE \"commit; begin\" (id int)",
            "PREPARE q AS SELECT 1",
            "SELECT $1"})
    void otherStatementsAreNot(String sql) {
        assertEquals(Optional.empty(), SqlScript.transactionControl(sql), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT; CREATE TABLE a (id int); BEGIN"})
    void theStatementIsNamed(String sql) {
        assertEquals(Optional.of("COMMIT"), SqlScript.transactionControl(sql));
    }

    @org.junit.jupiter.api.Test
    void splitKeepsFunctionBodiesQuotesAndCommentsWhole() {
        String atomic = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 END;"
                + " SELECT 2; END";
        String quoted = "INSERT INTO \"a;b\" VALUES ('x; y', $$z; w$$)";
        assertEquals(java.util.List.of("CREATE TABLE a (id int)", atomic, quoted, "-- trailing\nSELECT 1"),
                SqlScript.split("CREATE TABLE a (id int);\n" + atomic + ";\n" + quoted + ";;\n-- trailing\nSELECT 1;"
                        + " -- only a comment\n"));
    }
}
