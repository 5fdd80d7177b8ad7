/**
 * Training the reference teacher: a CNN fitted to Fashion-MNIST with plain cross-entropy, scored on the test
 * images and saved with its manifest, so that every soft label can name the exact weights that made it.
 */
package io.kdstream.teacher.training;
