package io.pgroll.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = PgRollCommand.class.getPackage().getImplementationVersion();
        return new String[] {"pgroll for Java " + (v == null ? "(development build)" : v)};
    }
}
