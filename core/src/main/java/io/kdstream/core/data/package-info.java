/**
 * Labelled data of any task: Fashion-MNIST from IDX files, CSV and JSON Lines files streamed a row at a time with
 * errors naming line and column, and the seeded random-RBF generator behind the built-in tabular task.
 */
package io.kdstream.core.data;
