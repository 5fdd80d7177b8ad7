package io.kdstream.app.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar redrawn in place on a terminal (and printed at most every 10% when output is a file). */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final boolean terminal = System.console() != null;
    private int lastDecile = -1;

    public ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    public void update(long done, long total, String detail) {
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format(Locale.ROOT, "%s [%s%s] %3.0f%% %s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                fraction * 100, detail);
        if (terminal) {
            out.print("\r" + line);
            out.flush();
        } else if ((int) (fraction * 10) != lastDecile) {
            lastDecile = (int) (fraction * 10);
            out.println(line);
        }
    }

    public void finish(String summary) {
        if (terminal) {
            out.println();
        }
        out.println(label + ": " + summary);
    }
}
