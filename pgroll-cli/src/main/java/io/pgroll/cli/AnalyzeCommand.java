package io.pgroll.cli;

import picocli.CommandLine.Command;

@Command(name = "analyze", hidden = true, description = "Print the target schema as pgroll reads it (JSON).")
final class AnalyzeCommand extends BaseCommand {

    @Override
    public Integer call() {
        println(root().withPgRoll(pgroll -> pgroll.analyze()).stripTrailing());
        return 0;
    }
}
