package io.pgroll.cli.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL refuses to run as root. When pgroll runs as root, the server programs are started under
 * {@code unshare -U}: in a fresh user namespace without mappings the process is seen as the overflow user
 * ({@code nobody}) and so are the root-owned files it creates, which satisfies PostgreSQL's ownership checks.
 */
final class UserNamespace {

    private static Boolean unshareWorks;

    private UserNamespace() {
    }

    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Whether {@code unshare -U id -u} runs and reports a non-root user. */
    static synchronized boolean unshareWorks() {
        if (unshareWorks == null) {
            unshareWorks = probe();
        }
        return unshareWorks;
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() && !out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
