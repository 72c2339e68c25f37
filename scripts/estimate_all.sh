#!/usr/bin/env bash
# Estimates the time of `recog all` at FULL settings (every question at the
# settings its docs page reports: Q3 50 epochs and the 3-rate sweep of 50
# epochs each; Q5 100 epochs and the improved recipe 150; Q7.1 the MLP 50
# epochs and the MNIST, NIST36 and EMNIST CNNs on their full training sets
# for 5, 12 and 8 epochs, evaluated on their full test sets after each epoch;
# Q7.2 30 fine-tuning and 40 scratch epochs on all images) from short runs of
# each stage's command: the CPU time (user + system) of two or three runs
# that differ in epochs or in training examples gives a fixed cost (loading,
# figures), a cost per epoch (with its evaluations) and, for the CNNs, a cost
# per training example, which are then scaled to FULL (Q7.2 reports the CPU
# time of its parts itself). CPU time is what a
# shared machine does not inflate much; the wall time on a quiet 2-core
# machine is about CPU time for the stages that run on one core (Q3, Q5, Q7
# MLP: their products are too small to split), and CPU time / 1.8 for the
# CNNs and Q7.2 (their work is split over both cores).
#
# Usage: scripts/estimate_all.sh   (about 20-40 minutes; needs ./data complete)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/recog" ./cmd/recog
log="$tmp/log"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# run NAME ARGS...: appends "NAME <cpu seconds> <wall seconds>" to the log.
run() {
	local name=$1
	shift
	/usr/bin/time -f "%U %S %e" -o "$tmp/time" "$tmp/recog" "$@" --out "$tmp/out-$name" > "$tmp/$name.log" 2>&1 \
		|| { echo "$name failed:"; tail -5 "$tmp/$name.log"; exit 1; }
	read -r u s e < "$tmp/time"
	echo "$name $(echo "$u + $s" | bc) $e" | tee -a "$log"
}
"$tmp/recog" data > /dev/null
run q3-e2 q3 --epochs 2
run q3-e12 q3 --epochs 12
run q5-e1 q5 --epochs 1
run q5-e6 q5 --epochs 6
run q5i-e1 q5 --mode improved --epochs 1
run q5i-e6 q5 --mode improved --epochs 6
run q6 q6
run mlp-e1 q7 mlp --epochs 1
run mlp-e6 q7 mlp --epochs 6
for task in mnist emnist nist36; do
	run "$task-e1-l1280" q7 "$task" --epochs 1 --limit 1280
	run "$task-e2-l1280" q7 "$task" --epochs 2 --limit 1280
	run "$task-e1-l10240" q7 "$task" --epochs 1 --limit 10240
done
# Q7.2 reports the CPU time of each of its parts in its metrics.json.
run flowers q7 flowers --epochs 3 --scratch-epochs 2
python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print("flowers-parts", m["cpu_decode_s"] + m["cpu_features_s"], m["cpu_finetune_s"] / 3, m["cpu_scratch_s"] / 2)' \
	"$tmp/out-flowers/metrics.json" | tee -a "$log"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$log" <<'PY'
import sys
cpu = {}
for line in open(sys.argv[1]):
    name, c, _ = line.split()[:3]
    cpu[name] = float(c)
rows = []  # stage, FULL settings, fixed, unit, units, cores
def epochs(stage, lo, hi, a, b, full, what, cores=1):
    per = (cpu[hi] - cpu[lo]) / (b - a)
    rows.append((stage, what, cpu[lo] - a * per, per, full, cores))
epochs("q3", "q3-e2", "q3-e12", 2, 12, 50, "50 epochs")
epochs("q3_sweep", "q3-e2", "q3-e12", 2, 12, 150, "3 rates x 50 epochs")
epochs("q5", "q5-e1", "q5-e6", 1, 6, 100, "100 epochs")
epochs("q5_improved", "q5i-e1", "q5i-e6", 1, 6, 150, "150 epochs")
rows.append(("q6", "fit, rank, reconstructions", cpu["q6"], 0, 0, 1))
epochs("q7_mlp", "mlp-e1", "mlp-e6", 1, 6, 50, "50 epochs")
for task, n, ep in (("mnist", 60000, 5), ("emnist", 112800, 8), ("nist36", 10716, 12)):
    per_ex = (cpu[f"{task}-e1-l10240"] - cpu[f"{task}-e1-l1280"]) / 8960
    ev = max(cpu[f"{task}-e2-l1280"] - cpu[f"{task}-e1-l1280"] - 1280 * per_ex, 0)
    fixed = cpu[f"{task}-e1-l1280"] - ev - 1280 * per_ex
    rows.append((f"q7_{task}", f"{ep} epochs x {n} examples (+ evaluation)", fixed, ev + n * per_ex, ep, 1.8))
    print(f"# q7 {task}: {per_ex * 1e3:.2f} ms CPU per training example, {ev:.1f} s CPU of evaluation per epoch")
parts = [l.split() for l in open(sys.argv[1]) if l.startswith("flowers-parts")][0]
fixed, ft, sc = float(parts[1]), float(parts[2]), float(parts[3])
rows.append(("q7_flowers decode, features", "all 1360 images", fixed, 0, 0, 1.8))
rows.append(("q7_flowers fine-tuning", "30 epochs", 0, ft, 30, 1.8))
rows.append(("q7_flowers scratch CNN", "40 epochs", 0, sc, 40, 1.8))
print(f"{'stage':<32} {'FULL settings':<42} {'fixed cpu s':>11} {'cpu s/unit':>10} {'FULL cpu s':>10} {'quiet wall s':>12}")
tot_cpu = tot_wall = 0
for stage, what, fixed, unit, units, cores in rows:
    c = fixed + unit * units
    w = c / cores
    tot_cpu += c
    tot_wall += w
    print(f"{stage:<32} {what:<42} {fixed:11.1f} {unit:10.2f} {c:10.0f} {w:12.0f}")
print(f"{'total':<32} {'':<42} {'':>11} {'':>10} {tot_cpu:10.0f} {tot_wall:12.0f}  ({tot_wall / 60:.1f} min)")
PY
