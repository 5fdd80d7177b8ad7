/** Fashion-MNIST in IDX format, found on this machine without any download. */
package io.kdstream.core.data;
