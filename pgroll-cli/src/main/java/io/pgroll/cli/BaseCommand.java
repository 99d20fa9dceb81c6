package io.pgroll.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand: reaches the global options and environment through the root command. */
abstract class BaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    PgRollCommand root() {
        return (PgRollCommand) spec.root().userObject();
    }

    Env env() {
        return root().env;
    }

    void println(String line) {
        env().out().println(line);
    }
}
