/**
 * The contract every kd-stream service keeps with whatever runs it: a {@link io.kdstream.core.service.Health}
 * that says whether it is live (its loop works) and ready (it has started and holds its inputs), served at
 * {@code /health/live} and {@code /health/ready}, and a non-zero exit when it is no longer live.
 */
package io.kdstream.core.service;
