package io.kdstream.gateway.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ai.djl.Device;
import io.kdstream.gateway.GatewayMetrics;
import io.kdstream.gateway.models.ModelManager;
import io.kdstream.gateway.models.ModelSlot;
import io.kdstream.gateway.models.NoModelException;
import io.kdstream.gateway.models.PromotionGates;
import io.kdstream.gateway.testing.TestCheckpoints;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry);
    private final ModelSlot slot = new ModelSlot();
    private final ModelManager models = new ModelManager(new PromotionGates(0.6, 0.05, Device.cpu()), slot, 2, metrics);
    private MicroBatcher batcher;

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close();
        }
        models.close();
    }

    @Test
    void shouldMergeWaitingRequestsIntoModelCallsOfAtMostTheMaximumBatch() throws Exception {
        // given a served model and ten single-input requests already waiting
        serve();
        batcher = new MicroBatcher(slot, 4, Duration.ofMillis(50), 64, metrics);
        List<CompletableFuture<MicroBatcher.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(batcher.submit(TestCheckpoints.image(i), 1));
        }

        // when the worker starts
        batcher.start();

        // then they share three model calls (4 + 4 + 2) and each gets the answer it would get alone
        for (int i = 0; i < 10; i++) {
            MicroBatcher.Answer answer = answers.get(i).get(30, TimeUnit.SECONDS);
            float[] alone = slot.current().classifier().probabilities(TestCheckpoints.image(i), 1, 1f);
            assertThat(answer.modelVersion()).isEqualTo(1);
            for (int k = 0; k < 10; k++) {
                assertThat(answer.probabilities()[k]).isCloseTo(alone[k], Offset.offset(1e-5f));
            }
        }
        DistributionSummary sizes = registry.get(GatewayMetrics.BATCH_SIZE).summary();
        assertThat(sizes.count()).isEqualTo(3);
        assertThat(sizes.totalAmount()).isEqualTo(10);
        assertThat(sizes.max()).isEqualTo(4);
    }

    @Test
    void shouldSplitARequestLargerThanTheMaximumBatchIntoCallsOfAtMostTheMaximum() throws Exception {
        serve();
        batcher = new MicroBatcher(slot, 4, Duration.ofMillis(1), 64, metrics);
        CompletableFuture<MicroBatcher.Answer> small = batcher.submit(TestCheckpoints.image(0), 1);
        float[] large = new float[10 * 784];
        System.arraycopy(TestCheckpoints.image(3), 0, large, 9 * 784, 784);
        CompletableFuture<MicroBatcher.Answer> split = batcher.submit(large, 10);

        batcher.start();

        assertThat(small.get(30, TimeUnit.SECONDS).probabilities()).hasSize(10);
        MicroBatcher.Answer answer = split.get(30, TimeUnit.SECONDS);
        assertThat(answer.probabilities()).hasSize(100);
        assertThat(answer.rowVersions()).hasSize(10).containsOnly(1L);
        float[] alone = slot.current().classifier().probabilities(TestCheckpoints.image(3), 1, 1f);
        for (int k = 0; k < 10; k++) {
            assertThat(answer.probabilities()[90 + k]).isCloseTo(alone[k], Offset.offset(1e-5f));
        }
        assertThat(registry.get(GatewayMetrics.BATCH_SIZE).summary().max()).isLessThanOrEqualTo(4);
    }

    @Test
    void shouldRefuseAtOnceWhenTheQueueIsFull() {
        batcher = new MicroBatcher(slot, 4, Duration.ofMillis(1), 2, metrics);
        batcher.submit(new float[784], 1);
        batcher.submit(new float[784], 1);

        assertThatThrownBy(() -> batcher.submit(new float[784], 1))
                .isInstanceOf(MicroBatcher.OverloadedException.class)
                .hasMessageContaining("2 parts of requests are already waiting");
    }

    @Test
    void shouldFailRequestsWithNoModelWhileNoneIsServed() {
        batcher = new MicroBatcher(slot, 4, Duration.ofMillis(1), 8, metrics);
        batcher.start();

        CompletableFuture<MicroBatcher.Answer> answer = batcher.submit(new float[784], 1);

        assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NoModelException.class);
    }

    private void serve() {
        byte[] weights = TestCheckpoints.trainedWeights();
        models.offer(TestCheckpoints.manifest("student", 1, weights, 0.8f), weights);
    }
}
