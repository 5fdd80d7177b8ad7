# One image for every kd-stream service; the command picks the role (docker-compose.yml runs each one).
#   docker build -t kd-stream .  &&  docker run --rm kd-stream --help

# ---------------------------------------------------------------------------------------------- build
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src

# Dependencies and plugins first, from the poms and the Avro schemas alone (the schemas module generates
# code from them): this layer stays cached until one of those files changes, so a source edit does not
# download the dependencies again. `python3 ops/checks.py modules` fails when a module is missing here.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY core/pom.xml core/
COPY broker/pom.xml broker/
COPY teacher-service/pom.xml teacher-service/
COPY student-trainer/pom.xml student-trainer/
COPY serving-gateway/pom.xml serving-gateway/
COPY monitor/pom.xml monitor/
COPY app/pom.xml app/
COPY schemas/src/main/avro schemas/src/main/avro
RUN mvn -B -q -DskipTests package && rm -rf target */target

# The build proper. Tests run in CI, not here.
COPY . .
RUN mvn -B -q -DskipTests package

# ---------------------------------------------------------------------------------------------- runtime
FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="kd-stream" \
      org.opencontainers.image.description="Online knowledge distillation over Kafka: teacher, trainer, gateway, monitor, replay"
WORKDIR /opt/kd

# The libraries change less often than the application jar: separate layers.
COPY --from=build /src/app/target/lib/ /opt/kd/lib/
COPY --from=build /src/app/target/kd.jar /opt/kd/kd.jar

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
