/**
 * Which checkpoint serves: promotion gates (verification, holdout floors, golden batch), the atomically swapped
 * and reference-counted served model, and the admin actions (rollback, pin) with the history of every version's fate.
 */
package io.kdstream.gateway.models;
