package io.kdstream.core.data;

/**
 * A row of a data file that does not fit its task, with where it is: the file, the 1-based line and the 1-based
 * column (the cell's position in a CSV row, the character position in a JSON line).
 */
public final class BadRowException extends IllegalArgumentException {

    private final String file;
    private final long line;
    private final int column;

    public BadRowException(String file, long line, int column, String problem) {
        super(file + ": line " + line + ", column " + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public String file() {
        return file;
    }

    public long line() {
        return line;
    }

    public int column() {
        return column;
    }
}
