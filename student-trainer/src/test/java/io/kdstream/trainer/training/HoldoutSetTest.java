package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdstream.trainer.labels.Example;
import org.junit.jupiter.api.Test;

class HoldoutSetTest {

    @Test
    void shouldKeepTheNewestExamplesOnceEach() {
        HoldoutSet holdout = new HoldoutSet(3);

        for (String id : new String[]{"a", "b", "c", "a", "d"}) {
            holdout.add(example(id));
        }

        assertThat(holdout.examples()).extracting(Example::requestId).containsExactly("c", "a", "d");
    }

    @Test
    void shouldFillInALateTrueLabel() {
        HoldoutSet holdout = new HoldoutSet(3);
        holdout.add(example("a"));

        assertThat(holdout.updateLabel("a", 4)).isTrue();
        assertThat(holdout.updateLabel("b", 4)).isFalse();
        assertThat(holdout.examples().get(0).trueLabel()).isEqualTo(4);
    }

    private static Example example(String id) {
        return new Example(id, new float[]{0f}, null, Example.UNKNOWN_LABEL, 0, -1);
    }
}
