/**
 * Training the reference teacher of a task (the CNN for images, an MLP for vectors) with plain cross-entropy, scored
 * on the task's test examples and saved with its manifest and task, so that every soft label can name the exact
 * weights that made it.
 */
package io.kdstream.teacher.training;
