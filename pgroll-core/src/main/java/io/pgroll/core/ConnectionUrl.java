package io.pgroll.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Conversions between the two connection URL styles users hand to pgroll: libpq URLs
 * ({@code postgres://user:secret@host:5432/db?sslmode=disable}), as the Go tool and psql take them, and
 * PgJDBC URLs ({@code jdbc:postgresql://host:5432/db?user=...}).
 */
public final class ConnectionUrl {

    private static final String JDBC_PREFIX = "jdbc:postgresql:";
    private static final int DEFAULT_PORT = 5432;

    /** libpq query parameters whose PgJDBC property has another name. Others are passed on unchanged. */
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout",
            "target_session_attrs", "targetServerType");

    private ConnectionUrl() {
    }

    /** Whether {@code url} is a libpq URL ({@code postgres://} or {@code postgresql://}). */
    public static boolean isLibpq(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("postgres://") || lower.startsWith("postgresql://");
    }

    /** Whether {@code url} is a PgJDBC URL ({@code jdbc:postgresql:...}). */
    public static boolean isJdbc(String url) {
        return url.regionMatches(true, 0, JDBC_PREFIX, 0, JDBC_PREFIX.length());
    }

    /**
     * Converts a libpq URL to a PgJDBC URL; PgJDBC URLs are returned unchanged.
     *
     * <p>User and password become the {@code user} and {@code password} properties, the host defaults to
     * {@code localhost}, the port to 5432 and the database to the user name (else {@code postgres}), as libpq does.
     * Query parameters are carried over (libpq names with a different PgJDBC name are renamed, e.g.
     * {@code application_name} to {@code ApplicationName}); percent-escapes are decoded and re-encoded for PgJDBC.
     *
     * @throws PgRollException if the URL is neither style or is malformed
     */
    public static String toJdbc(String url) {
        if (url == null || url.isBlank()) {
            throw new PgRollException("empty connection URL");
        }
        String trimmed = url.trim();
        if (isJdbc(trimmed)) {
            return trimmed;
        }
        Libpq parsed = Libpq.parse(trimmed);

        Map<String, String> props = new LinkedHashMap<>();
        String user = parsed.user;
        String password = parsed.password;
        String hosts = parsed.hosts;
        String dbname = parsed.dbname;
        String port = null;
        for (Map.Entry<String, String> e : parsed.params.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            switch (key) {
                case "user" -> user = value;
                case "password" -> password = value;
                case "dbname" -> dbname = value;
                case "host", "hostaddr" -> {
                    if (!value.startsWith("/")) {
                        hosts = value;
                    }
                }
                case "port" -> port = value;
                default -> props.put(LIBPQ_TO_JDBC.getOrDefault(key, key), jdbcValue(key, value));
            }
        }

        StringBuilder sb = new StringBuilder("jdbc:postgresql://");
        sb.append(jdbcHosts(hosts, port));
        sb.append('/');
        String db = dbname != null && !dbname.isEmpty() ? dbname
                : user != null && !user.isEmpty() ? user : "postgres";
        sb.append(encode(db));

        Map<String, String> query = new LinkedHashMap<>();
        if (user != null && !user.isEmpty()) {
            query.put("user", user);
        }
        if (password != null) {
            query.put("password", password);
        }
        query.putAll(props);
        appendQuery(sb, query);
        return sb.toString();
    }

    /**
     * Returns {@code url} in the same style with the query parameter {@code options=-c search_path=<searchPath>};
     * a search_path already present in {@code options} is replaced, other options are kept. This is the URL
     * {@code pgroll latest url} prints, for clients that should see one version schema.
     */
    public static String withSearchPath(String url, String searchPath) {
        if (url == null || url.isBlank()) {
            throw new PgRollException("empty connection URL");
        }
        String trimmed = url.trim();
        if (!isJdbc(trimmed) && !isLibpq(trimmed)) {
            throw new PgRollException("unsupported connection URL (expected postgres://, postgresql:// or "
                    + "jdbc:postgresql://): " + redact(trimmed));
        }
        String fragment = "";
        int hash = trimmed.indexOf('#');
        if (hash >= 0) {
            fragment = trimmed.substring(hash);
            trimmed = trimmed.substring(0, hash);
        }
        int q = trimmed.indexOf('?');
        String base = q < 0 ? trimmed : trimmed.substring(0, q);
        String rawQuery = q < 0 ? "" : trimmed.substring(q + 1);

        List<String[]> params = parseQuery(rawQuery, trimmed);
        String setting = "-c search_path=" + optionValue(searchPath);
        boolean replaced = false;
        for (String[] p : params) {
            if (p[0].equals("options")) {
                p[1] = replaceSearchPath(p[1], setting);
                replaced = true;
            }
        }
        if (!replaced) {
            params.add(new String[] {"options", setting});
        }
        StringBuilder sb = new StringBuilder(base);
        char sep = '?';
        for (String[] p : params) {
            sb.append(sep).append(encode(p[0])).append('=').append(encode(p[1]));
            sep = '&';
        }
        return sb.append(fragment).toString();
    }

    /** The URL with any password replaced by {@code xxxxx}, for messages. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String out = url.replaceAll("(?i)(password=)[^&#]*", "$1xxxxx");
        if (out.contains("://")) {
            int scheme = out.indexOf("://") + 3;
            int at = out.indexOf('@', scheme);
            int slash = out.indexOf('/', scheme);
            if (at > 0 && (slash < 0 || at < slash)) {
                int colon = out.indexOf(':', scheme);
                if (colon > 0 && colon < at) {
                    out = out.substring(0, colon + 1) + "xxxxx" + out.substring(at);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A parsed libpq URL; all parts percent-decoded. */
    private static final class Libpq {
        String user;
        String password;
        String hosts;
        String dbname;
        final Map<String, String> params = new LinkedHashMap<>();

        static Libpq parse(String url) {
            if (!isLibpq(url)) {
                throw new PgRollException("unsupported connection URL (expected postgres://, postgresql:// or "
                        + "jdbc:postgresql://): " + redact(url));
            }
            Libpq r = new Libpq();
            String rest = url.substring(url.indexOf("://") + 3);
            int hash = rest.indexOf('#');
            if (hash >= 0) {
                rest = rest.substring(0, hash);
            }
            String query = null;
            int q = rest.indexOf('?');
            if (q >= 0) {
                query = rest.substring(q + 1);
                rest = rest.substring(0, q);
            }
            String path = null;
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                path = rest.substring(slash + 1);
                rest = rest.substring(0, slash);
            }
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                String userinfo = rest.substring(0, at);
                rest = rest.substring(at + 1);
                int colon = userinfo.indexOf(':');
                if (colon >= 0) {
                    r.user = decode(userinfo.substring(0, colon), url);
                    r.password = decode(userinfo.substring(colon + 1), url);
                } else {
                    r.user = decode(userinfo, url);
                }
            }
            r.hosts = decode(rest, url);
            if (path != null && !path.isEmpty()) {
                r.dbname = decode(path, url);
            }
            if (query != null) {
                for (String[] p : parseQuery(query, url)) {
                    r.params.put(p[0], p[1]);
                }
            }
            return r;
        }
    }

    private static String jdbcValue(String key, String value) {
        if (key.equals("target_session_attrs")) {
            return switch (value) {
                case "read-write", "primary" -> "primary";
                case "read-only", "standby" -> "secondary";
                case "prefer-standby" -> "preferSecondary";
                default -> "any";
            };
        }
        return value;
    }

    /** Host list for PgJDBC: {@code h1:p1,h2:p2}; defaults localhost:5432; IPv6 literals stay bracketed. */
    private static String jdbcHosts(String hosts, String portOverride) {
        List<String> out = new ArrayList<>();
        String[] parts = hosts == null || hosts.isEmpty() ? new String[] {""} : hosts.split(",", -1);
        for (String part : parts) {
            String host = part;
            String port = null;
            if (host.startsWith("[")) {
                int close = host.indexOf(']');
                if (close < 0) {
                    throw new PgRollException("malformed connection URL: unterminated IPv6 address in " + hosts);
                }
                String after = host.substring(close + 1);
                host = host.substring(0, close + 1);
                if (after.startsWith(":")) {
                    port = after.substring(1);
                }
            } else {
                int colon = host.lastIndexOf(':');
                if (colon >= 0) {
                    port = host.substring(colon + 1);
                    host = host.substring(0, colon);
                }
            }
            if (host.isEmpty() || host.startsWith("/")) {
                // no host, or a Unix-domain socket directory, which PgJDBC cannot use
                host = "localhost";
            }
            if (portOverride != null && !portOverride.isEmpty()) {
                port = portOverride;
            }
            if (port == null || port.isEmpty()) {
                port = Integer.toString(DEFAULT_PORT);
            }
            try {
                int n = Integer.parseInt(port);
                if (n <= 0 || n > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new PgRollException("malformed connection URL: invalid port \"" + port + "\"");
            }
            out.add(host + ":" + port);
        }
        return String.join(",", out);
    }

    private static void appendQuery(StringBuilder sb, Map<String, String> query) {
        char sep = '?';
        for (Map.Entry<String, String> e : query.entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
    }

    /** Splits a raw query string into decoded key/value pairs, keeping their order. */
    private static List<String[]> parseQuery(String rawQuery, String url) {
        List<String[]> out = new ArrayList<>();
        if (rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(new String[] {decode(key, url), decode(value, url)});
        }
        return out;
    }

    /** Replaces every {@code search_path} setting in a libpq {@code options} value with {@code setting}. */
    private static String replaceSearchPath(String options, String setting) {
        List<String> tokens = splitOptions(options);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("-c") && i + 1 < tokens.size()) {
                String next = tokens.get(i + 1);
                if (!isSearchPath(next)) {
                    kept.add(t);
                    kept.add(next);
                }
                i++;
            } else if (t.startsWith("-c") && t.length() > 2) {
                if (!isSearchPath(t.substring(2))) {
                    kept.add(t);
                }
            } else if (t.startsWith("--")) {
                if (!isSearchPath(t.substring(2))) {
                    kept.add(t);
                }
            } else {
                kept.add(t);
            }
        }
        kept.add(setting);
        return String.join(" ", kept);
    }

    private static boolean isSearchPath(String assignment) {
        int eq = assignment.indexOf('=');
        String name = (eq < 0 ? assignment : assignment.substring(0, eq)).replace('-', '_');
        return name.equalsIgnoreCase("search_path");
    }

    /** Splits on unescaped whitespace; backslash escapes are kept as written. */
    private static List<String> splitOptions(String options) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '\\' && i + 1 < options.length()) {
                cur.append(c).append(options.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /**
     * The schema list as a GUC value inside libpq {@code options}: names that PostgreSQL would fold or split are
     * double-quoted, and whitespace is backslash-escaped (options are split on whitespace).
     */
    private static String optionValue(String searchPath) {
        StringBuilder sb = new StringBuilder();
        String[] schemas = searchPath.split(",");
        for (int i = 0; i < schemas.length; i++) {
            String s = schemas[i].strip();
            if (i > 0) {
                sb.append(',');
            }
            String v = s.matches("[a-z_][a-z0-9_$.]*") || (s.startsWith("\"") && s.endsWith("\"") && s.length() > 1)
                    ? s : '"' + s.replace("\"", "\"\"") + '"';
            sb.append(v.replace("\\", "\\\\").replace(" ", "\\ ").replace("\t", "\\\t"));
        }
        return sb.toString();
    }

    private static String decode(String s, String url) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new PgRollException("malformed connection URL: invalid percent-encoding in "
                            + redact(url));
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new PgRollException("malformed connection URL: invalid percent-encoding in "
                            + redact(url));
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Percent-encodes everything but RFC 3986 unreserved characters (so a space is {@code %20}, never {@code +},
     * which both libpq and PgJDBC read back correctly).
     */
    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
