package io.kdstream.trainer.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.kdstream.core.data.LabeledImages;
import io.kdstream.core.model.Architecture;
import io.kdstream.core.training.OptimizerSettings;
import io.kdstream.core.testing.FashionSlices;
import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a test (run with {@code -Dkd.measure=true}): does publishing an exponential moving average of
 * the student's weights make consecutive checkpoints steadier without slowing how fast they improve? One pass over a
 * slice of Fashion-MNIST with the default student, a checkpoint every 10 steps scored on 2,000 test images, for
 * several values of {@code publish.ema.decay}. Prints, per decay, the mean and largest change of test accuracy
 * between consecutive checkpoints after the first five, and the first checkpoint reaching 0.75.
 */
@EnabledIfSystemProperty(named = "kd.measure", matches = "true")
class PublishedAverageMeasurement {

    @Test
    void measureSteadinessAndAdaptation() {
        Architecture student = Architecture.FASHION_STUDENT;
        List<Example> stream = examples(FashionSlices.train(12_000));
        List<Example> test = examples(FashionSlices.test(2_000));
        for (float decay : new float[]{0f, 0.99f, 0.995f, 0.999f}) {
            Engine.getInstance().setRandomSeed(11);
            StudentSetup setup = new StudentSetup(student, Device.cpu(), 2f, 0.8f, OptimizerSettings.DEFAULT, 0f, 1, 10f, decay);
            List<Float> accuracies = new ArrayList<>();
            try (TeacherDistiller distiller = new TeacherDistiller(setup, null)) {
                for (int start = 0, step = 0; start + 64 <= stream.size(); start += 64, step++) {
                    distiller.step(Batch.of(stream.subList(start, start + 64), 64, student.inputSize(), student.classes()));
                    if ((step + 1) % 10 == 0) {
                        accuracies.add(distiller.snapshot(test).scores().getAccuracy());
                    }
                }
            }
            double sum = 0;
            double largest = 0;
            for (int k = 5; k < accuracies.size(); k++) {
                double change = Math.abs(accuracies.get(k) - accuracies.get(k - 1));
                sum += change;
                largest = Math.max(largest, change);
            }
            int reached = -1;
            for (int k = 0; k < accuracies.size() && reached < 0; k++) {
                reached = accuracies.get(k) >= 0.75f ? k + 1 : -1;
            }
            System.out.printf("MEASURE decay %.3f: mean |change| %.4f, largest %.4f after checkpoint 5; first >= 0.75 at "
                    + "checkpoint %d; last %.4f; all %s%n", decay, sum / (accuracies.size() - 5), largest, reached,
                    accuracies.get(accuracies.size() - 1), accuracies);
        }
    }

    private static List<Example> examples(LabeledImages images) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < images.count(); i++) {
            float[] input = new float[images.imageSize()];
            images.writeUnitFloats(i, input, 0);
            float[] teacher = new float[10];
            Arrays.fill(teacher, 0.01f);
            teacher[images.labels()[i]] = 0.91f;
            out.add(new Example("m-" + i, input, teacher, images.labels()[i], i, i));
        }
        return out;
    }
}
