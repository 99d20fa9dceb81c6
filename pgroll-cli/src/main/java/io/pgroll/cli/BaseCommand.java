package io.pgroll.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand: reaches the global options and environment through the root command. */
abstract class BaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private BufferedReader input;

    PgRollCommand root() {
        return (PgRollCommand) spec.root().userObject();
    }

    Env env() {
        return root().env;
    }

    void println(String line) {
        env().out().println(line);
    }

    /** The changes a start found made outside pgroll, on stderr: they are now part of a version. */
    void warnAboutDrift(java.util.List<String> drift) {
        if (!drift.isEmpty()) {
            env().err().println("Warning: schema \"" + root().schema + "\" was changed outside pgroll since its last "
                    + "migration: " + String.join("; ", drift));
        }
    }

    /** Prints a question on stderr and reads the answer; null at the end of the input. */
    String ask(String question) {
        env().err().print(question);
        env().err().flush();
        try {
            if (input == null) {
                input = new BufferedReader(new InputStreamReader(env().in(), StandardCharsets.UTF_8));
            }
            return input.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the answer: " + e.getMessage(), e);
        }
    }
}
