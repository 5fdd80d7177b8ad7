package io.kdstream.app.replay;

/** Where replayed traffic goes: straight onto the traffic topic, or through the gateway as client requests. */
public interface TrafficSink extends AutoCloseable {

    /**
     * Sends one image.
     *
     * @param requestId unique id of the request
     * @param pixels    the image as unsigned bytes
     * @param label     its true class
     */
    void send(String requestId, byte[] pixels, int height, int width, int label);

    /** Waits until everything sent so far has left. */
    void flush();

    @Override
    void close();
}
