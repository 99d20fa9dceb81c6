package io.pgroll.core.migration;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.parser.ParserImpl;

/**
 * A {@link YAMLFactory} whose {@link #createParser(String)} reads through {@link LinearStreamReader} instead of
 * SnakeYAML's quadratic {@code StreamReader}. Jackson builds that reader inside {@link YAMLParser}'s public
 * constructor (and so inside {@code YAMLAnchorReplayingParser}'s), so only a parser made with the protected
 * constructor can take another. Aliases therefore arrive unexpanded; {@link Parser} tells {@link MigrationReader}
 * the anchors and aliases so that it can expand them.
 */
final class LinearYamlFactory extends YAMLFactory {
    LinearYamlFactory(YAMLFactoryBuilder builder) {
        super(builder);
    }

    @Override
    public Parser createParser(String content) {
        IOContext context = _createContext(_createContentReference(content), false);
        return new Parser(context, _parserFeatures, _yamlParserFeatures, _objectCodec,
                new ParserImpl(new LinearStreamReader(content),
                        _loaderOptions == null ? new LoaderOptions() : _loaderOptions));
    }

    static final class Parser extends YAMLParser {
        private Parser(IOContext context, int features, int yamlFeatures, ObjectCodec codec, ParserImpl events) {
            super(context, features, yamlFeatures, codec, null, events);
        }

        /** The anchor ({@code &x}) on the current token's node or key, if any. */
        String anchor() {
            // getObjectId() misses anchors of scalar values and answers the mapping's anchor at its first key
            return _lastEvent instanceof NodeEvent node && !(node instanceof AliasEvent) ? node.getAnchor() : null;
        }

        /** The anchor that the current token, an alias ({@code *x}), refers to, or null if it is no alias. */
        String alias() {
            return _lastEvent instanceof AliasEvent alias ? alias.getAnchor() : null;
        }
    }
}
