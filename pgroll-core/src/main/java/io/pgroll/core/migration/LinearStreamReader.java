package io.pgroll.core.migration;

import java.io.Reader;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * SnakeYAML's {@link StreamReader}, reading a string, with the same observable behaviour (the same chunks of input,
 * marks, line and column counting and errors) but linear in the length of the input.
 *
 * <p>{@link StreamReader} copies its whole look-ahead window into a new array each time it reads the next 1023
 * characters. The scanner looks ahead over a whole line of a block scalar, a comment, or a run of a plain or quoted
 * scalar without blanks before consuming it, so such a run of n characters costs time and garbage proportional to
 * n<sup>2</sup> (6 MB of SQL on one line took half a minute). Here the window only moves to a new array when it is
 * full, and then to one twice the size of what it keeps, so the copying stays proportional to the input.
 *
 * <p>Every public method of {@link StreamReader} is overridden; the superclass only sees an empty reader.
 */
final class LinearStreamReader extends StreamReader {
    // what StreamReader reads per refill (its buffer is 1024 chars, the last kept for a low surrogate); reading the
    // same chunks keeps errors about unprintable characters at the same point of the scan
    private static final int CHUNK = 1023;
    private static final String NAME = "'reader'";

    private final String text;
    private int read;
    private boolean eof;
    // code points read so far, from some point before pointer up to length; an array is only ever appended to, as
    // marks keep a reference to it for their snippet
    private int[] window = new int[0];
    private int length;
    private int pointer;
    private int index;
    private int documentIndex;
    private int line;
    private int column;

    LinearStreamReader(String text) {
        super(Reader.nullReader());
        this.text = text;
    }

    @Override
    public Mark getMark() {
        return new Mark(NAME, index, line, column, window, pointer);
    }

    @Override
    public void forward() {
        forward(1);
    }

    @Override
    public void forward(int count) {
        for (int i = 0; i < count && ensureEnoughData(0); i++) {
            int c = window[pointer++];
            index++;
            documentIndex++;
            if (Constant.LINEBR.has(c) || (c == '\r' && ensureEnoughData(0) && window[pointer] != '\n')) {
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
        return ensureEnoughData(offset) ? window[pointer + offset] : 0;
    }

    @Override
    public String prefix(int count) {
        if (count == 0) {
            return "";
        }
        int available = ensureEnoughData(count) ? count : Math.min(count, length - pointer);
        return new String(window, pointer, available);
    }

    @Override
    public String prefixForward(int count) {
        String prefix = prefix(count);
        pointer += count;
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

    private boolean ensureEnoughData(int offset) {
        if (!eof && pointer + offset >= length) {
            update();
        }
        return pointer + offset < length;
    }

    private void update() {
        if (read == text.length()) {
            eof = true;
            return;
        }
        int end = Math.min(text.length(), read + CHUNK);
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            if (end == text.length()) {
                throw new ReaderException(NAME, index + end - read, text.charAt(end - 1),
                        "The last char is HighSurrogate (no LowSurrogate detected).");
            }
            end++;
        }
        int kept = length - pointer;
        if (length + (end - read) > window.length) {
            int[] next = new int[2 * (kept + 2 * CHUNK)];
            System.arraycopy(window, pointer, next, 0, kept);
            window = next;
            length = kept;
            pointer = 0;
        }
        for (int i = read; i < end; ) {
            int c = Character.codePointAt(text, i);
            if (i + Character.charCount(c) > end) {
                c = text.charAt(i);
            }
            window[length++] = c;
            if (!isPrintable(c)) {
                read = end;
                throw new ReaderException(NAME, index + length - pointer - 1, c, "special characters are not allowed");
            }
            i += Character.charCount(c);
        }
        read = end;
    }
}
