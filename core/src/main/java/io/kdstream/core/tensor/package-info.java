/**
 * Conversion between the wire {@code Tensor} (dtype, shape, little-endian bytes) and the float arrays models
 * consume, with validation whose messages say what was expected and what was found.
 */
package io.kdstream.core.tensor;
