package io.kdstream.trainer.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kdstream.core.training.Learner;
import io.kdstream.schemas.HoldoutScores;
import io.kdstream.trainer.labels.Example;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deep mutual learning: peer students of the same architecture train side by side on the same batches, each
 * distilling from the mean of the others' softened outputs (and from true labels where known), with no teacher.
 *
 * <p>The checkpoint serves the best peer (highest holdout accuracy, or, without true labels, highest agreement
 * with the other peers) under the model's own name, so gateways need not know how many peers there are; every peer
 * is also checkpointed under {@code <model>-peer<i>} so that a restart continues all of them.
 */
public final class MutualDistiller implements Distiller {

    private static final Logger LOG = LoggerFactory.getLogger(MutualDistiller.class);

    private final StudentSetup setup;
    private final List<Learner> peers = new ArrayList<>();

    /** @param peerWeights weights by {@link #peerSuffix}; a missing peer starts fresh */
    public MutualDistiller(StudentSetup setup, Map<String, byte[]> peerWeights) {
        this.setup = setup;
        for (int i = 0; i < setup.peers(); i++) {
            byte[] weights = peerWeights.get(peerSuffix(i));
            if (weights == null && !peerWeights.isEmpty()) {
                LOG.warn("No checkpoint of mutual peer {}: it starts fresh", i);
            }
            peers.add(setup.newLearner(weights));
        }
    }

    /** Suffix of the model name under which peer {@code index} is checkpointed. */
    public static String peerSuffix(int index) {
        return "-peer" + index;
    }

    @Override
    public float step(Batch batch) {
        List<float[]> outputs = new ArrayList<>();
        for (Learner peer : peers) {
            outputs.add(peer.probabilities(batch.inputs(), batch.size(), setup.temperature()));
        }
        float lossSum = 0;
        for (int i = 0; i < peers.size(); i++) {
            lossSum += peers.get(i).step(batch.inputs(), batch.size(), meanOfOthers(outputs, i), batch.labels());
        }
        return lossSum / peers.size();
    }

    @Override
    public boolean healthy() {
        return peers.stream().allMatch(Learner::healthy);
    }

    @Override
    public Snapshot snapshot(List<Example> holdout) {
        int classes = setup.architecture().classes();
        HoldoutBatch batch = HoldoutBatch.of(holdout, setup.architecture().inputSize(), classes);
        List<float[]> outputs = new ArrayList<>();
        for (Learner peer : peers) {
            outputs.add(batch.probabilities(chunk -> peer.probabilities(chunk.inputs(), chunk.count(), setup.temperature())));
        }
        int best = 0;
        HoldoutScores bestScores = null;
        for (int i = 0; i < peers.size(); i++) {
            HoldoutScores scores = HoldoutScorer.score(outputs.get(i), meanOfOthers(outputs, i), batch.labels(), batch.size(), classes);
            if (bestScores == null || rank(scores) > rank(bestScores)) {
                best = i;
                bestScores = scores;
            }
        }
        Map<String, byte[]> auxiliary = new HashMap<>();
        for (int i = 0; i < peers.size(); i++) {
            auxiliary.put(peerSuffix(i), peers.get(i).weights());
        }
        return new Snapshot(auxiliary.get(peerSuffix(best)), auxiliary, bestScores);
    }

    @Override
    public void close() {
        peers.forEach(Learner::close);
    }

    private static double rank(HoldoutScores scores) {
        return scores.getAccuracy() != null ? scores.getAccuracy() : scores.getAgreement();
    }

    private static float[] meanOfOthers(List<float[]> outputs, int self) {
        float[] mean = new float[outputs.get(0).length];
        int others = outputs.size() - 1;
        for (int j = 0; j < outputs.size(); j++) {
            if (j == self) {
                continue;
            }
            float[] output = outputs.get(j);
            for (int k = 0; k < mean.length; k++) {
                mean[k] += output[k] / others;
            }
        }
        return mean;
    }
}
