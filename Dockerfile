# One image for every kd-stream service; the command picks the role (docker-compose.yml runs each one).
# The jar is built outside, by Maven, and copied in: no container here reaches Maven Central.
#
#   ops/images/build.sh kd                        (mvn package, the base image, then this; cached)
#   mvn -DskipTests package && docker build --build-arg BASE=eclipse-temurin:17-jre -t kd-stream:local .
#                                                 (with a registry: any Java 17 runtime with bash as the base)
#   docker run --rm kd-stream:local --help

# Debian bookworm + openjdk-17-jre-headless, made by ops/images/build.sh from debootstrap.
ARG BASE=kd-base:bookworm-jre17
FROM ${BASE}
LABEL org.opencontainers.image.title="kd-stream" \
      org.opencontainers.image.description="Online knowledge distillation over Kafka: teacher, trainer, gateway, monitor, replay"
WORKDIR /opt/kd

# The libraries change less often than the application jar: separate layers.
COPY app/target/lib/ /opt/kd/lib/
COPY app/target/kd.jar /opt/kd/kd.jar
# Healthcheck probe: `ready PORT` asks the service's metrics port for /health/ready.
COPY ops/images/kd/ready /opt/kd/bin/ready

ENV FASHION_MNIST_DIR=/data/fashion-mnist
# oneDNN AVX-512 convolutions give NaNs at random on AMD Zen 4; AVX2 kernels are correct (README, known issues).
ENV ONEDNN_MAX_CPU_ISA=AVX2
# One malloc arena: per-thread arenas return freed tensor memory to the kernel and the trainer page-faults it back (see ./kd).
ENV MALLOC_ARENA_MAX=1
# gateway HTTP and /metrics; teacher, trainer and monitor /metrics
EXPOSE 8080 9401 9402 9404

# Exec form: java is PID 1 and receives SIGTERM, so each service's shutdown hook closes it cleanly.
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-jar", "/opt/kd/kd.jar"]
CMD ["--help"]
