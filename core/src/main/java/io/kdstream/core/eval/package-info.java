/** Scores of a classifier against true labels (accuracy, macro F1) and against a teacher (agreement). */
package io.kdstream.core.eval;
