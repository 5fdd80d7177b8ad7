/** Test fixtures: soft labels made from Fashion-MNIST, and whole-topic readers for assertions on the real broker. */
package io.kdstream.trainer.testing;
