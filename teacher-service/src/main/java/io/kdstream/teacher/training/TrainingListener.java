package io.kdstream.teacher.training;

/** Progress of teacher training, reported after every optimizer step (the CLI draws a progress bar from it). */
@FunctionalInterface
public interface TrainingListener {

    TrainingListener SILENT = (epoch, examplesDone, examplesTotal, runningLoss) -> { };

    /**
     * @param epoch         the current epoch, from 1
     * @param examplesDone  examples trained on so far, over all epochs
     * @param examplesTotal examples the whole run trains on
     * @param runningLoss   exponential moving average of the batch loss
     */
    void onStep(int epoch, long examplesDone, long examplesTotal, float runningLoss);
}
