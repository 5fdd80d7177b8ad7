/**
 * How the student learns: batches of new examples topped up from a replay buffer, the distillers of the three
 * modes (teacher, self via an EMA teacher, mutual peers) run on their own thread, and holdout scoring.
 */
package io.kdstream.trainer.training;
