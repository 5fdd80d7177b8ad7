#!/usr/bin/env bash
# The GPU checks of issue 18, as one prepared script for a lent GPU machine (run from the repository root):
# what the machine offers (driver, CUDA runtime, any torch/libtorch), then, when a libtorch that DJL's JNI can load
# is found, the GPU-only test and `kd bench trainer` / `kd bench teacher` on the GPU. Everything lands in $OUT
# (default ./gpu-out): facts.txt, the benchmark JSON, and the logs.
set -uo pipefail
out="${OUT:-gpu-out}"
mkdir -p "$out"
facts="$out/facts.txt"
say() { echo "$*" | tee -a "$facts"; }

say "== machine"
say "date: $(date -u +%FT%TZ)"
say "cpu: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/gpu: /' | tee -a "$facts"
  nvidia-smi 2>&1 | grep -o 'CUDA Version: [0-9.]*' | sed 's/^/driver supports /' | tee -a "$facts"
else
  say "gpu: nvidia-smi not found"
fi
say "java: $(java -version 2>&1 | head -1)"
say "mvn: $(mvn -v 2>/dev/null | head -1)"

say "== libtorch"
torch_lib=""
for python in python3 python; do
  if command -v "$python" >/dev/null 2>&1; then
    info=$("$python" - 2>/dev/null <<'PY'
import os, torch
print(torch.__version__, torch.version.cuda, os.path.join(os.path.dirname(torch.__file__), "lib"))
PY
)
    if [ -n "$info" ]; then
      say "python torch: $info"
      torch_lib=$(echo "$info" | awk '{print $3}')
      break
    fi
  fi
done
if [ -z "$torch_lib" ]; then
  for candidate in /usr/local/libtorch/lib /opt/libtorch/lib /usr/lib/libtorch/lib; do
    [ -e "$candidate/libtorch_cuda.so" ] && torch_lib="$candidate" && break
  done
fi
say "libcudart: $(ldconfig -p 2>/dev/null | grep -m1 -o 'libcudart.so[^ ]*' || echo none in ldconfig)"
if [ -z "$torch_lib" ] || [ ! -e "$torch_lib/libtorch_cuda.so" ]; then
  say "verdict: no CUDA libtorch found; DJL's JNI (pytorch-jni 2.7.1-0.36.0) needs libtorch 2.7.1 built for CUDA 12.8"
  exit 3
fi
say "using PYTORCH_LIBRARY_PATH=$torch_lib"
export PYTORCH_LIBRARY_PATH="$torch_lib"

say "== GPU test"
mvn -B -ntp -q -pl core -am test -Dtest=DevicesTest -Dsurefire.failIfNoSpecifiedTests=false >"$out/devices-test.log" 2>&1
say "DevicesTest exit $?: $(grep -h 'Tests run' core/target/surefire-reports/*DevicesTest.txt 2>/dev/null)"

say "== benchmarks on the GPU"
./kd bench trainer --device gpu --rounds 3 --json "$out/bench-trainer.json" >"$out/bench-trainer.log" 2>&1
say "kd bench trainer exit $?"
./kd teacher train --epochs 2 >"$out/teacher-train.log" 2>&1
./kd bench teacher --device gpu --batch-size 256 --json "$out/bench-teacher.json" >"$out/bench-teacher.log" 2>&1
say "kd bench teacher exit $?"
