package io.pgroll.core.migration;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Reads migrations from locations as Flyway names them: {@code classpath:db/pgroll} (directories and jars on the
 * class path, a Spring Boot executable jar's nested ones too) or {@code filesystem:migrations} (a plain path means
 * the same). Only the files directly inside a location count, as in a pgroll directory; all locations together are
 * ordered by name, byte-wise, and a name found twice is an error.
 */
public final class MigrationLocations {
    public static final String CLASSPATH = "classpath:";
    public static final String FILESYSTEM = "filesystem:";

    private MigrationLocations() {
    }

    /** The migrations of all {@code locations}, class path ones looked up with {@code loader}; oldest first. */
    public static List<Migration> read(List<String> locations, ClassLoader loader) {
        Map<String, String> seenIn = new HashMap<>();
        List<Migration> all = new ArrayList<>();
        for (String location : locations) {
            for (Migration m : readOne(location.strip(), loader)) {
                String earlier = seenIn.putIfAbsent(m.name(), location);
                if (earlier != null) {
                    throw new MigrationFileException(m.name(), null, "migration found twice, in " + earlier
                            + (earlier.equals(location) ? " (two class path entries)" : " and in " + location));
                }
                all.add(m);
            }
        }
        all.sort(Comparator.comparing(Migration::name, MigrationReader.fileNameOrder()));
        return List.copyOf(all);
    }

    private static List<Migration> readOne(String location, ClassLoader loader) {
        if (location.startsWith(CLASSPATH)) {
            return readClasspath(location, location.substring(CLASSPATH.length()), loader);
        }
        String dir = location.startsWith(FILESYSTEM) ? location.substring(FILESYSTEM.length()) : location;
        return MigrationReader.readDirectory(Path.of(dir));
    }

    private static List<Migration> readClasspath(String location, String path, ClassLoader loader) {
        String resource = stripSlashes(path);
        List<URL> roots;
        try {
            roots = Collections.list(loader.getResources(resource));
        } catch (IOException e) {
            throw new MigrationFileException(location, null, "cannot search the class path: " + e.getMessage(), e);
        }
        if (roots.isEmpty()) {
            throw new MigrationFileException(location, null, "not found on the class path");
        }
        List<Migration> migrations = new ArrayList<>();
        for (URL root : roots) {
            migrations.addAll(readRoot(location, root));
        }
        return migrations;
    }

    private static List<Migration> readRoot(String location, URL root) {
        try {
            if ("file".equals(root.getProtocol())) {
                return MigrationReader.readDirectory(Path.of(root.toURI()));
            }
            URLConnection connection = root.openConnection();
            if (connection instanceof JarURLConnection jar) {
                jar.setUseCaches(false);
                try (JarFile file = jar.getJarFile()) {
                    return readJarDirectory(file, jar.getEntryName());
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new MigrationFileException(location, null, "cannot read " + root + ": " + e.getMessage(), e);
        }
        throw new MigrationFileException(location, null, "cannot list " + root + ": neither a directory nor a jar");
    }

    private static List<Migration> readJarDirectory(JarFile jar, String directory) throws IOException {
        String prefix = stripSlashes(directory) + "/";
        List<Migration> migrations = new ArrayList<>();
        for (JarEntry entry : Collections.list(jar.entries())) {
            String fileName = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length()) : "";
            if (entry.isDirectory() || fileName.contains("/") || !MigrationReader.isMigrationFileName(fileName)) {
                continue;
            }
            if (entry.getSize() > MigrationReader.MAX_FILE_SIZE) {
                throw new MigrationFileException(fileName, null, "file too large: " + entry.getSize() + " bytes");
            }
            try (InputStream in = jar.getInputStream(entry)) {
                migrations.add(MigrationReader.parse(fileName,
                        new String(in.readNBytes(MigrationReader.MAX_FILE_SIZE + 1), StandardCharsets.UTF_8)));
            }
        }
        return migrations;
    }

    private static String stripSlashes(String path) {
        String p = path.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
