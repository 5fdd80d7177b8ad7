/**
 * Scores of a classifier against true labels (accuracy, macro F1) and against a teacher (agreement), and the
 * holdout slice of the stream those scores are taken on.
 */
package io.kdstream.core.eval;
