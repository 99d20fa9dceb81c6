package io.pgroll.core.migration;

import java.io.Reader;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * SnakeYAML's {@link StreamReader} for input that is already in memory: the same answers, marks (but for their
 * snippet) and errors, in time linear in the length of the input and without a copy of it in the common case.
 *
 * <p>{@link StreamReader} copies its whole look-ahead window into a new array each time it reads the next 1023
 * characters. The scanner looks ahead over a whole line of a block scalar, a comment, or a run of a plain or quoted
 * scalar without blanks before consuming it, so such a run of n characters costs time and garbage proportional to
 * n<sup>2</sup> (6 MB of SQL on one line took half a minute). Here the input itself is the window.
 *
 * <p>Every public method of {@link StreamReader} is overridden; the superclass only sees an empty reader.
 */
final class LinearStreamReader extends StreamReader {
    // what StreamReader reads at a time (its buffer is 1024 chars, the last kept for a low surrogate); checking the
    // same chunks for unprintable characters reports them at the same point of the scan
    private static final int CHUNK = 1023;
    private static final String NAME = "'reader'";
    // a snippet would need the input as an array of code points; error messages only show the line and column
    private static final int[] NO_SNIPPET = {};

    // the input as code points: the string itself unless it has surrogate pairs, which is the common case
    private final String chars;
    private final int[] codePoints;
    private final int length;
    // code points checked so far, as StreamReader would have read them
    private int read;
    private boolean eof;
    private int index;
    private int documentIndex;
    private int line;
    private int column;

    LinearStreamReader(String text) {
        super(Reader.nullReader());
        this.length = text.codePointCount(0, text.length());
        if (length == text.length()) {
            this.chars = text;
            this.codePoints = null;
        } else {
            this.chars = null;
            // not text.codePoints().toArray(), which needs twice the memory while it grows
            this.codePoints = new int[length];
            int at = 0;
            for (int i = 0; i < length; i++) {
                codePoints[i] = text.codePointAt(at);
                at += Character.charCount(codePoints[i]);
            }
        }
    }

    @Override
    public Mark getMark() {
        return new Mark(NAME, index, line, column, NO_SNIPPET, 0);
    }

    @Override
    public void forward() {
        forward(1);
    }

    @Override
    public void forward(int count) {
        for (int i = 0; i < count && ensureEnoughData(0); i++) {
            int c = codePointAt(index);
            index++;
            documentIndex++;
            if (Constant.LINEBR.has(c) || (c == '\r' && ensureEnoughData(0) && codePointAt(index) != '\n')) {
                line++;
                column = 0;
            } else if (c != '\uFEFF') {
                column++;
            }
        }
    }

    @Override
    public int peek() {
        return peek(0);
    }

    @Override
    public int peek(int offset) {
        return ensureEnoughData(offset) ? codePointAt(index + offset) : 0;
    }

    @Override
    public String prefix(int count) {
        if (count == 0) {
            return "";
        }
        int end = index + (ensureEnoughData(count) ? count : Math.min(count, read - index));
        return chars != null ? chars.substring(index, end) : new String(codePoints, index, end - index);
    }

    @Override
    public String prefixForward(int count) {
        String prefix = prefix(count);
        index += count;
        documentIndex += count;
        column += count;
        return prefix;
    }

    @Override
    public int getColumn() {
        return column;
    }

    @Override
    public int getDocumentIndex() {
        return documentIndex;
    }

    @Override
    public void resetDocumentIndex() {
        documentIndex = 0;
    }

    @Override
    public int getIndex() {
        return index;
    }

    @Override
    public int getLine() {
        return line;
    }

    private int codePointAt(int i) {
        return chars != null ? chars.charAt(i) : codePoints[i];
    }

    private boolean ensureEnoughData(int offset) {
        if (!eof && index + offset >= read) {
            update();
        }
        return index + offset < read;
    }

    private void update() {
        if (read == length) {
            eof = true;
            return;
        }
        int end = read;
        int chunk = 0;
        while (end < length && chunk < CHUNK) {
            chunk += Character.charCount(codePointAt(end++));
        }
        int last = codePointAt(end - 1);
        if (end == length && last <= Character.MAX_VALUE && Character.isHighSurrogate((char) last)) {
            throw new ReaderException(NAME, index + chunk, last,
                    "The last char is HighSurrogate (no LowSurrogate detected).");
        }
        for (; read < end; read++) {
            int c = codePointAt(read);
            if (!isPrintable(c)) {
                throw new ReaderException(NAME, read, c, "special characters are not allowed");
            }
        }
    }
}
