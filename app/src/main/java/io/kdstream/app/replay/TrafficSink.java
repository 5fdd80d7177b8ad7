package io.kdstream.app.replay;

import io.kdstream.core.data.LabeledExample;
import io.kdstream.core.task.TaskContract;

/** Where replayed traffic goes: straight onto the traffic topic, or through the gateway as client requests. */
public interface TrafficSink extends AutoCloseable {

    /**
     * Sends one example.
     *
     * @param requestId unique id of the request
     * @param task      the task the example fits, which says its wire form
     * @param example   the input on the model's scale and its true class, when known
     */
    void send(String requestId, TaskContract task, LabeledExample example);

    /** Waits until everything sent so far has left. */
    void flush();

    @Override
    void close();
}
