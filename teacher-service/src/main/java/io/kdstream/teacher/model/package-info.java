/**
 * The teachers the service can label with: a stored, trained teacher (weights plus a manifest checked by sha256),
 * a TorchScript model brought by the user, or a weighted ensemble of several of them.
 */
package io.kdstream.teacher.model;
