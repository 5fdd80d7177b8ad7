package io.kdstream.app.bench;

import java.nio.file.Path;
import java.util.List;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The curves of {@code kd bench refresh}: agreement with the teacher of the continuously distilled and of the frozen
 * student against seconds since the drift (negative before it), with the drift and the first alert as vertical lines.
 */
final class RefreshPlot {

    private RefreshPlot() {
    }

    static void write(Path file, String title, List<RefreshFigures.Sample> samples, long driftMs, List<Long> alertsMs) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no agreement was measured, so there is nothing to plot in " + file);
        }
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
                .xAxisTitle("seconds since the drift began").yAxisTitle("agreement with the teacher").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        List<Double> seconds = samples.stream().map(s -> (s.timeMs() - driftMs) / 1000.0).toList();
        chart.addSeries("(a) continuously distilled", seconds, samples.stream().map(RefreshFigures.Sample::continuous).toList())
                .setMarker(SeriesMarkers.NONE);
        List<RefreshFigures.Sample> frozen = samples.stream().filter(s -> !Double.isNaN(s.frozen())).toList();
        if (!frozen.isEmpty()) {
            chart.addSeries("(b) frozen before the drift", frozen.stream().map(s -> (s.timeMs() - driftMs) / 1000.0).toList(),
                    frozen.stream().map(RefreshFigures.Sample::frozen).toList()).setMarker(SeriesMarkers.NONE);
        }
        chart.addSeries("drift", List.of(0.0, 0.0), List.of(0.0, 1.0)).setMarker(SeriesMarkers.NONE);
        alertsMs.stream().filter(t -> t >= driftMs).findFirst().ifPresent(alert -> chart.addSeries("input-drift alert",
                List.of((alert - driftMs) / 1000.0, (alert - driftMs) / 1000.0), List.of(0.0, 1.0)).setMarker(SeriesMarkers.NONE));
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        AccuracyPlot.savePng(chart, file);
    }
}
