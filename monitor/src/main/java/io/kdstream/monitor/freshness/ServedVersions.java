package io.kdstream.monitor.freshness;

import java.util.HashMap;
import java.util.Map;

import io.kdstream.schemas.Prediction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Passes on, re-keyed by model name, only the predictions that carry a version newer than any this task has
 * passed on: a handful of records per checkpoint instead of every prediction crosses the repartition topic.
 *
 * <p>The memory of versions is per task and not persisted; after a restart a version may be passed on again,
 * which {@link FreshnessProcessor} ignores.
 */
public final class ServedVersions implements Processor<byte[], Prediction, String, FreshnessEvent> {

    private final Map<String, Long> newestPassed = new HashMap<>();
    private ProcessorContext<String, FreshnessEvent> context;

    @Override
    public void init(ProcessorContext<String, FreshnessEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], Prediction> record) {
        Prediction prediction = record.value();
        String model = prediction.getModel();
        long version = prediction.getModelVersion();
        Long newest = newestPassed.get(model);
        if (newest == null || version > newest) {
            newestPassed.put(model, version);
            context.forward(new Record<>(model,
                    FreshnessEvent.served(version, prediction.getTime().toEpochMilli()), record.timestamp()));
        }
    }
}
