package io.kdstream.monitor.quality;

import java.time.Duration;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scores each prediction against its true class once. The true class can come twice for one request (in the soft
 * label it was copied into, and on kd-ground-truth), and either source can repeat; only the first counts.
 */
public final class ScoringProcessor implements Processor<byte[], ScoreCandidate, Long, Quality> {

    public static final String STORE = "scored-requests";

    private final Duration lookback;
    private ProcessorContext<Long, Quality> context;
    private SeenRequests seen;

    public ScoringProcessor(Duration lookback) {
        this.lookback = lookback;
    }

    @Override
    public void init(ProcessorContext<Long, Quality> context) {
        this.context = context;
        this.seen = SeenRequests.open(context, STORE, lookback);
    }

    @Override
    public void process(Record<byte[], ScoreCandidate> record) {
        if (seen.firstSighting(record.key(), record.timestamp())) {
            ScoreCandidate candidate = record.value();
            context.forward(new Record<>(candidate.modelVersion(),
                    Quality.score(candidate.predicted() == candidate.actual()), record.timestamp()));
        }
    }
}
