package io.kdstream.gateway.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.kdstream.core.task.TaskContract;
import io.kdstream.gateway.batching.MicroBatcher;
import io.kdstream.gateway.models.ModelManager;
import io.kdstream.gateway.models.NoModelException;
import io.kdstream.gateway.models.ServedModel;
import io.kdstream.gateway.traffic.AnswerCopier;

/**
 * The path every prediction takes, whichever protocol asked: rows already checked against the served contract go to
 * the micro-batcher, the answer is awaited for at most {@code request.timeout.ms}, and each answered row is offered
 * to the copier for the teacher and the monitor.
 */
final class Predictor {

    private final ModelManager models;
    private final MicroBatcher batcher;
    private final AnswerCopier copier;
    private final String modelName;
    private final Duration requestTimeout;

    Predictor(ModelManager models, MicroBatcher batcher, AnswerCopier copier, String modelName, Duration requestTimeout) {
        this.models = models;
        this.batcher = batcher;
        this.copier = copier;
        this.modelName = modelName;
        this.requestTimeout = requestTimeout;
    }

    /** The served model, whose contract requests are read against. @throws NoModelException before the first serves */
    ServedModel served() {
        ServedModel served = models.served();
        if (served == null) {
            throw new NoModelException();
        }
        return served;
    }

    String modelName() {
        return modelName;
    }

    /**
     * Answers {@code count} rows and copies each answered row.
     *
     * @param started {@link System#nanoTime()} when the request arrived, for the latency the copies carry
     */
    MicroBatcher.Answer predict(TaskContract task, float[] rows, int count, List<String> requestIds, long started) throws Exception {
        MicroBatcher.Answer answer;
        try {
            answer = batcher.submit(rows, count).get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        float latencyMs = (System.nanoTime() - started) / 1e6f;
        Instant now = Instant.now();
        int classes = answer.classes();
        int size = rows.length / count;
        for (int i = 0; i < count; i++) {
            float[] probabilities = new float[classes];
            System.arraycopy(answer.probabilities(), i * classes, probabilities, 0, classes);
            float[] row = new float[size];
            System.arraycopy(rows, i * size, row, 0, size);
            copier.offer(new AnswerCopier.Answered(requestIds.get(i), task, row, now, modelName, answer.version(i),
                    probabilities, argmax(probabilities), latencyMs));
        }
        return answer;
    }

    /** Readiness: a model is served and the batcher's worker runs. Null when ready, else why not. */
    String notReady() {
        if (!batcher.healthy()) {
            String failure = batcher.failure();
            return failure != null ? failure : "the model worker is not running";
        }
        return models.served() == null ? "no model is loaded yet" : null;
    }

    static int argmax(float[] values, int from, int length) {
        int best = from;
        for (int i = from + 1; i < from + length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best - from;
    }

    private static int argmax(float[] values) {
        return argmax(values, 0, values.length);
    }
}
