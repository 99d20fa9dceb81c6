package io.pgroll.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgroll.core.PgRollException;
import org.junit.jupiter.api.Test;

class ConnectionUrlTest {

    @Test
    void libpqUrlWithEverything() {
        assertEquals("jdbc:postgresql://db.example.com:6543/shop?user=app&password=s3cret&sslmode=require",
                ConnectionUrl.toJdbc("postgres://app:s3cret@db.example.com:6543/shop?sslmode=require"));
    }

    @Test
    void postgresqlSchemeIsAccepted() {
        assertEquals("jdbc:postgresql://h:5432/d?user=u",
                ConnectionUrl.toJdbc("postgresql://u@h/d"));
    }

    @Test
    void pgrollsDefaultUrl() {
        assertEquals("jdbc:postgresql://localhost:5432/postgres?user=postgres&password=postgres&sslmode=disable",
                ConnectionUrl.toJdbc("postgres://postgres:postgres@localhost?sslmode=disable"));
    }

    @Test
    void defaultsHostPortAndDatabase() {
        assertEquals("jdbc:postgresql://localhost:5432/postgres", ConnectionUrl.toJdbc("postgres://"));
        assertEquals("jdbc:postgresql://localhost:5432/postgres", ConnectionUrl.toJdbc("postgres:///"));
        // the database defaults to the user name, as in libpq
        assertEquals("jdbc:postgresql://localhost:5432/alice?user=alice", ConnectionUrl.toJdbc("postgres://alice@"));
        assertEquals("jdbc:postgresql://myhost:5432/bob?user=bob", ConnectionUrl.toJdbc("postgres://bob@myhost"));
    }

    @Test
    void percentEscapesAreDecodedAndReencoded() {
        // p@ss:w/rd with a space, user with a dot, database with a space
        String jdbc = ConnectionUrl.toJdbc("postgres://first.last:p%40ss%3Aw%2Frd%20x@localhost/my%20db");
        assertEquals("jdbc:postgresql://localhost:5432/my%20db?user=first.last&password=p%40ss%3Aw%2Frd%20x", jdbc);
    }

    @Test
    void plusInPasswordSurvivesPgJdbcDecoding() {
        // PgJDBC decodes '+' as a space, so it must travel as %2B
        assertEquals("jdbc:postgresql://h:5432/d?user=u&password=a%2Bb",
                ConnectionUrl.toJdbc("postgres://u:a+b@h/d"));
    }

    @Test
    void queryParametersAreCarriedAndRenamed() {
        assertEquals("jdbc:postgresql://h:5432/d?user=u&ApplicationName=my%20app&connectTimeout=5"
                        + "&options=-c%20statement_timeout%3D5s",
                ConnectionUrl.toJdbc("postgres://u@h/d?application_name=my%20app&connect_timeout=5"
                        + "&options=-c%20statement_timeout%3D5s"));
    }

    @Test
    void userPasswordDbnameHostAndPortAsQueryParameters() {
        assertEquals("jdbc:postgresql://other:7777/x?user=v&password=pw",
                ConnectionUrl.toJdbc("postgres://u@h:1/d?user=v&password=pw&dbname=x&host=other&port=7777"));
    }

    @Test
    void unixSocketHostFallsBackToLocalhost() {
        assertEquals("jdbc:postgresql://localhost:5432/d",
                ConnectionUrl.toJdbc("postgres://%2Fvar%2Frun%2Fpostgresql/d"));
        assertEquals("jdbc:postgresql://localhost:5432/d",
                ConnectionUrl.toJdbc("postgres:///d?host=/var/run/postgresql"));
    }

    @Test
    void ipv6AndMultipleHosts() {
        assertEquals("jdbc:postgresql://[::1]:5433/d", ConnectionUrl.toJdbc("postgres://[::1]:5433/d"));
        assertEquals("jdbc:postgresql://[::1]:5432/d", ConnectionUrl.toJdbc("postgres://[::1]/d"));
        assertEquals("jdbc:postgresql://a:1,b:5432/d", ConnectionUrl.toJdbc("postgres://a:1,b/d"));
    }

    @Test
    void jdbcUrlsAreUnchanged() {
        String jdbc = "jdbc:postgresql://localhost:5432/postgres?user=postgres&sslmode=disable";
        assertEquals(jdbc, ConnectionUrl.toJdbc(jdbc));
        assertEquals(jdbc, ConnectionUrl.toJdbc("  " + jdbc + "\n"));
    }

    @Test
    void rejectsOtherSchemesAndBadPorts() {
        PgRollException e = assertThrows(PgRollException.class,
                () -> ConnectionUrl.toJdbc("mysql://root:hunter2@localhost/db"));
        assertTrue(e.getMessage().startsWith("unsupported connection URL"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), "password leaked: " + e.getMessage());
        assertThrows(PgRollException.class, () -> ConnectionUrl.toJdbc("postgres://h:notaport/d"));
        assertThrows(PgRollException.class, () -> ConnectionUrl.toJdbc("postgres://h:70000/d"));
        assertThrows(PgRollException.class, () -> ConnectionUrl.toJdbc("postgres://u:%zz@h/d"));
        assertThrows(PgRollException.class, () -> ConnectionUrl.toJdbc(""));
    }

    @Test
    void searchPathOnLibpqUrl() {
        assertEquals("postgres://postgres@127.0.0.1:54329/postgres?options=-c%20search_path%3Dpublic_01_init",
                ConnectionUrl.withSearchPath("postgres://postgres@127.0.0.1:54329/postgres", "public_01_init"));
        assertEquals("postgres://u:p@h/d?sslmode=disable&options=-c%20search_path%3Dpublic_v2",
                ConnectionUrl.withSearchPath("postgres://u:p@h/d?sslmode=disable", "public_v2"));
    }

    @Test
    void searchPathOnJdbcUrl() {
        assertEquals("jdbc:postgresql://h:5432/d?user=u&options=-c%20search_path%3Dpublic_v2",
                ConnectionUrl.withSearchPath("jdbc:postgresql://h:5432/d?user=u", "public_v2"));
    }

    @Test
    void searchPathReplacesAnExistingOneAndKeepsOtherOptions() {
        assertEquals("postgres://h/d?options=-c%20statement_timeout%3D5s%20-c%20search_path%3Dpublic_v3&sslmode=disable",
                ConnectionUrl.withSearchPath(
                        "postgres://h/d?options=-c%20search_path%3Dpublic_v2%20-c%20statement_timeout%3D5s"
                                + "&sslmode=disable", "public_v3"));
        assertEquals("postgres://h/d?options=-c%20search_path%3Dnew",
                ConnectionUrl.withSearchPath("postgres://h/d?options=-csearch_path%3Dold", "new"));
        assertEquals("postgres://h/d?options=-c%20search_path%3Dnew",
                ConnectionUrl.withSearchPath("postgres://h/d?options=--search-path%3Dold", "new"));
    }

    @Test
    void searchPathQuotesNamesPostgresWouldFold() {
        assertEquals("postgres://h/d?options=-c%20search_path%3D%22Public_V1%22",
                ConnectionUrl.withSearchPath("postgres://h/d", "Public_V1"));
        assertEquals("postgres://h/d?options=-c%20search_path%3Dpublic_03.migration.3",
                ConnectionUrl.withSearchPath("postgres://h/d", "public_03.migration.3"));
    }

    @Test
    void searchPathResultStillConvertsToJdbc() {
        String url = ConnectionUrl.withSearchPath("postgres://postgres@127.0.0.1:54329/postgres", "public_x");
        assertEquals("jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres&options=-c%20search_path%3Dpublic_x",
                ConnectionUrl.toJdbc(url));
    }

    @Test
    void redactHidesPasswords() {
        assertEquals("postgres://u:xxxxx@h/d", ConnectionUrl.redact("postgres://u:secret@h/d"));
        assertEquals("jdbc:postgresql://h/d?user=u&password=xxxxx&ssl=true",
                ConnectionUrl.redact("jdbc:postgresql://h/d?user=u&password=secret&ssl=true"));
    }
}
