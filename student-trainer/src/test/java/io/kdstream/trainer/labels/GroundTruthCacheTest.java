package io.kdstream.trainer.labels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroundTruthCacheTest {

    @Test
    void shouldCompleteExamplesWithoutALabelFromTheNewestLabelsItHolds() {
        GroundTruthCache cache = new GroundTruthCache(2);
        cache.put("a", 1);
        cache.put("b", 2);
        cache.put("c", 3);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("a")).isEmpty();
        assertThat(cache.complete(example("b", Example.UNKNOWN_LABEL)).trueLabel()).isEqualTo(2);
        assertThat(cache.complete(example("c", 5)).trueLabel()).as("the example's own label wins").isEqualTo(5);
        assertThat(cache.complete(example("z", Example.UNKNOWN_LABEL)).hasTrueLabel()).isFalse();
    }

    private static Example example(String id, int label) {
        return new Example(id, new float[]{0f}, null, label, 0, -1);
    }
}
