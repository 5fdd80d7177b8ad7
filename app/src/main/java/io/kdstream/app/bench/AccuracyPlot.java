package io.kdstream.app.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Test accuracy against examples trained on, one line per way of training, with the teacher's accuracy as a flat line. */
final class AccuracyPlot {

    private AccuracyPlot() {
    }

    static void write(Path file, String title, List<Curve> curves, double teacherAccuracy) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("examples trained on (replays and repeated epochs included)").yAxisTitle("test accuracy").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        long maxSeen = 1;
        double minAccuracy = teacherAccuracy;
        for (Curve curve : curves) {
            chart.addSeries(curve.name(), curve.seen(), curve.accuracy()).setMarker(SeriesMarkers.CIRCLE);
            maxSeen = Math.max(maxSeen, curve.seen().get(curve.seen().size() - 1));
            minAccuracy = Math.min(minAccuracy, curve.accuracy().stream().mapToDouble(Double::doubleValue).min().orElse(minAccuracy));
        }
        XYSeries teacher = chart.addSeries(String.format("teacher (%.3f)", teacherAccuracy), List.of(0L, maxSeen),
                List.of(teacherAccuracy, teacherAccuracy));
        teacher.setMarker(SeriesMarkers.NONE);
        chart.getStyler().setYAxisMin(Math.max(0, Math.floor(minAccuracy * 20) / 20 - 0.05));
        chart.getStyler().setYAxisMax(Math.min(1, teacherAccuracy + 0.03));
        savePng(chart, file);
    }

    /** Writes {@code chart} to {@code file} as PNG, creating its folder. */
    static void savePng(XYChart chart, Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot to " + file, e);
        }
    }
}
