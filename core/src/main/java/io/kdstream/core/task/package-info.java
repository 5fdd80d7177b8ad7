/**
 * The task contract: what one deployment's models take and give (input shape, element type, value range, class
 * and feature names), declared once in a file or named as a built-in, carried in every manifest and checked by every
 * stage against what it reads.
 */
package io.kdstream.core.task;
