#!/usr/bin/env bash
# Builds kd-stream's container images from what this machine can reach (Debian's packages and Maven Central;
# no image registry):
#
#   kd-base:bookworm-jre17   Debian bookworm (debootstrap --variant=minbase) + openjdk-17-jre-headless
#   kd-prometheus:local      Debian bookworm (debootstrap --variant=minbase) + Debian's prometheus package
#   kd-kafka:4.3.1           kd-base + Kafka 4.3.1's jars from Maven Central, KRaft mode, apache/kafka's env interface
#   kd-stream:local          kd-base + the kd jar (the project's Dockerfile)
#
# Each image carries a label with the sha256 of its inputs and is rebuilt only when it is missing or that hash
# changed; a second run with nothing changed builds nothing. Usage: ops/images/build.sh [base|prometheus|kafka|kd]...
# (default: all). Needs root (debootstrap), a running Docker engine, Maven and Java 17.
#
# Reproducible up to Debian's point releases: the suite and package lists are fixed, file times and ordering in
# the imported tarballs are normalised, and each Debian image lists its package versions in /etc/kd-packages.txt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
here=ops/images

suite=bookworm
kafka_version=4.3.1
base_image=kd-base:bookworm-jre17
prometheus_image=kd-prometheus:local
kafka_image=kd-kafka:$kafka_version
kd_image=kd-stream:local
label=org.kdstream.inputs
# Fixed times in the imported tarballs, so that the same files give the same layer.
epoch=1700000000
# debootstrap's downloads, kept between runs so that a rebuild does not fetch the same .debs again.
cache="${KD_IMAGE_CACHE:-/var/cache/kd-images}"

# Root file systems under construction, removed however the script ends.
scratch=()
trap 'rm -rf "${scratch[@]}"' EXIT

log() { printf 'images: %s\n' "$*" >&2; }

# The Debian mirror apt already uses here, so that debootstrap reaches what apt reaches.
mirror() {
    local uri
    uri="$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
        grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ')"
    echo "${KD_DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

inputs_of() { docker image inspect -f "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true; }

# current IMAGE HASH: true when IMAGE exists and was built from inputs hashing to HASH.
current() {
    if [ "$(inputs_of "$1")" = "$2" ]; then
        log "$1 is current (inputs ${2:0:12})"
        return 0
    fi
    return 1
}

# debian_image IMAGE "PACKAGES" "SETUP" "DOCKER --change LINE"...: a minbase root file system with PACKAGES, then
# the shell commands SETUP run inside it (chroot), imported with the --change lines.
debian_image() {
    local image="$1" packages="$2" setup="$3"
    shift 3
    local hash
    hash="$( { echo "$suite $packages $setup"; printf '%s\n' "$@"; declare -f debian_image; } | sha256sum | cut -c1-64)"
    current "$image" "$hash" && return 0
    local t0=$SECONDS dir
    mkdir -p "$cache/debs"
    dir="$(mktemp -d /var/tmp/kd-rootfs.XXXXXX)"
    scratch+=("$dir")
    log "debootstrap $suite + ${packages:-nothing} for $image ($(mirror))"
    debootstrap --variant=minbase --cache-dir="$cache/debs" ${packages:+--include="$packages"} \
        "$suite" "$dir" "$(mirror)" >"$cache/debootstrap-${image//[:\/]/_}.log" 2>&1 ||
        { tail -20 "$cache/debootstrap-${image//[:\/]/_}.log" >&2; return 1; }
    [ -z "$setup" ] || chroot "$dir" /bin/sh -ec "$setup"
    chroot "$dir" dpkg-query -W -f '${Package} ${Version}\n' >"$dir/etc/kd-packages.txt"
    # What differs from run to run and nobody needs in an image.
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/* "$dir"/tmp/* \
        "$dir"/var/cache/ldconfig/aux-cache "$dir"/debootstrap
    : >"$dir/etc/machine-id"
    local changes=(--change "LABEL $label=$hash")
    local c
    for c in "$@"; do changes+=(--change "$c"); done
    tar -C "$dir" --sort=name --mtime="@$epoch" --numeric-owner --xattrs -cf - . |
        docker import "${changes[@]}" - "$image" >/dev/null
    rm -rf "$dir"
    log "$image built in $((SECONDS - t0)) s"
}

build_base() {
    debian_image "$base_image" openjdk-17-jre-headless "" \
        'ENV LANG=C.UTF-8' 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' 'CMD ["bash"]'
}

build_prometheus() {
    # The data folder belongs to the user Prometheus runs as, so that a fresh named volume is writable.
    debian_image "$prometheus_image" prometheus 'mkdir -p /prometheus && chown prometheus:prometheus /prometheus' \
        'USER prometheus' 'WORKDIR /prometheus' 'EXPOSE 9090' \
        'ENTRYPOINT ["/usr/bin/prometheus"]' \
        'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
}

# docker_build ARGS...: quiet unless it fails (the legacy builder's deprecation notice is noise here).
docker_build() {
    local out
    out="$(docker build -q --network none "$@" 2>&1 >/dev/null)" || { echo "$out" >&2; return 1; }
}

# hash_files FILE...: one hash over the names and contents of FILEs (sorted).
hash_files() { sha256sum "$@" | LC_ALL=C sort -k2 | sha256sum | cut -c1-64; }

build_kafka() {
    build_base
    local dir=$here/kafka
    # The jars Maven resolves for kafka_2.13 and kafka-tools: the same broker and tools the Apache release ships.
    if [ ! -d "$dir/target/libs" ] || [ "$dir/pom.xml" -nt "$dir/target/libs" ]; then
        log "Kafka $kafka_version jars from Maven Central"
        rm -rf "$dir/target/libs"
        mvn -B -ntp -q -f "$dir/pom.xml" dependency:copy-dependencies -DoutputDirectory=target/libs -DincludeScope=runtime
        touch "$dir/target/libs"
    fi
    local hash
    hash="$( { hash_files "$dir/Dockerfile" "$dir/run" "$dir/kafka-run-class" "$dir/log4j2.properties" "$dir"/target/libs/*.jar &&
        inputs_of "$base_image"; } | sha256sum | cut -c1-64)"
    current "$kafka_image" "$hash" && return 0
    local t0=$SECONDS
    docker_build --build-arg BASE="$base_image" --label "$label=$hash" -t "$kafka_image" "$dir"
    log "$kafka_image built in $((SECONDS - t0)) s"
}

build_kd() {
    build_base
    # The jar is built here, by Maven outside Docker: no container may reach Maven Central.
    local stale
    stale="$(find pom.xml ./*/pom.xml ./*/src/main -newer app/target/kd.jar -not -path './container-tests/*' -print -quit 2>/dev/null || echo missing)"
    if [ ! -f app/target/kd.jar ] || [ -n "$stale" ]; then
        log "building the kd jar (mvn package of app and the modules it needs, tests skipped)"
        mvn -B -ntp -q -DskipTests -pl app -am package
        # Maven leaves an up-to-date jar untouched: mark it as checked, or every run would think it stale.
        touch app/target/kd.jar
    fi
    local hash
    hash="$( { hash_files Dockerfile .dockerignore $here/kd/ready app/target/kd.jar app/target/lib/*.jar &&
        inputs_of "$base_image"; } | sha256sum | cut -c1-64)"
    current "$kd_image" "$hash" && return 0
    local t0=$SECONDS
    docker_build --build-arg BASE="$base_image" --label "$label=$hash" -t "$kd_image" .
    log "$kd_image built in $((SECONDS - t0)) s"
}

docker info >/dev/null 2>&1 || { log "no Docker engine answers (start dockerd first)"; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(base prometheus kafka kd)
for target in "${targets[@]}"; do
    case "$target" in
        base | prometheus | kafka | kd) "build_$target" ;;
        *) log "unknown image '$target' (base, prometheus, kafka, kd)"; exit 2 ;;
    esac
done
