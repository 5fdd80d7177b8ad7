/**
 * Where the commands get a task's examples: the built-in data of built-in tasks (Fashion-MNIST files, the random-RBF
 * generator) or the operator's CSV and JSON Lines files, for replay, teacher training and the demo alike.
 */
package io.kdstream.app.data;
