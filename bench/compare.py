#!/usr/bin/env python3
"""Backprop against the NumPy and PyTorch reference trainers, side by side, in one run.

    python3 bench/compare.py [--repeats 3] [--python PYTHON] [--full] [--skip-build] [--json-out FILE]

Builds the release binaries, then times each job with Backprop and with the references in
bench/reference/ (NumPy, PyTorch; the project's own copies) when they can be imported by --python, and prints a table of
medians and ratios (Backprop / reference; below 1 means Backprop is faster), then one JSON line.

Jobs: XOR 2-2-1 full batch (10 000 and 1 000 000 epochs; µs per epoch); Fashion-MNIST
784-128-10 SGD lr 0.1 batch 64 and 784-256-128-10 Adam lr 0.001 batch 128 (ReLU, softmax
cross-entropy), 3 epochs, with 1 and 2 threads run alternately (seconds per epoch of the training loop, test
accuracy, peak RSS, load time), with the matrix products of one step alone (backprop-bench gemm)
beside one whole step (backprop-bench step), and the same training loop on random data of the same
shapes, 1 and 2 threads in turn every 20 steps in one process (backprop-bench pair); the recipe examples/fashion-mnist-90.args with 1
and 2 threads, alternately (train_seconds, test accuracy); and loading a 22 MB CSV of Fashion-MNIST's test
images, Backprop (backprop-bench csv) beside numpy.loadtxt. Then #14's goals, each met or not.
Each job also records the host's steal (Linux: each CPU's share of the job's time that the
hypervisor gave to other machines), since a 2-thread step waits for its slower half, and a probe
of what two threads give just before and after it (a step's products on 2 threads over 1).

The references run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they slow a current
NumPy); Backprop runs with the environment as it is. Without --full, PyTorch's XOR 1 000 000
runs 100 000 epochs (it takes about 0.5 ms per epoch; the per-epoch time is what is compared).
Stdlib only; the project's tests never need Python.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from goals import PAIR, goals, median            # bench/, beside this file
from playground_rate import browser_states_per_second, states_per_second

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "bench", "reference")   # the project's own copies
BIN = os.path.join(ROOT, ".build", "release")
THREADS = (1, 2)    # the thread counts of the Fashion-MNIST and recipe jobs, run in this order


def run_rss(cmd, env=None):
    """Like run, but measures this child's own peak RSS with wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    # Read stdout fully, then reap with wait4 for the child's own rusage.
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-800:]}")
    text = out.decode().strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = json.loads(text.splitlines()[-1])
    return data, usage.ru_maxrss / 1024, wall


def cpu_times():
    """Each CPU's (steal, total) time in ticks, from /proc/stat (Linux; None elsewhere). Steal is
    the time a virtual machine's CPU was runnable but the hypervisor ran something else."""
    try:
        with open("/proc/stat") as f:
            rows = [line.split() for line in f if line.startswith("cpu") and not line.startswith("cpu ")]
        return [(int(r[8]), sum(int(v) for v in r[1:9])) for r in rows]
    except (OSError, IndexError, ValueError):
        return None


def steal_shares(before, after):
    """The share of each CPU's time stolen by the hypervisor between two cpu_times() readings."""
    if not before or not after or len(before) != len(after):
        return None
    return [round((s1 - s0) / max(t1 - t0, 1), 3) for (s0, t0), (s1, t1) in zip(before, after)]


def reference_env(threads=None):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    if threads:
        env["OPENBLAS_NUM_THREADS"] = str(threads)
    return env


def can_import(python, module):
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def machine(python, have):
    """What the numbers were measured on: CPU, cores, and the versions of everything timed."""
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    info = {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(),
            "swift": out(["swift", "--version"]).splitlines()[0] if out(["swift", "--version"]) else "",
            "openblas": out(["pkg-config", "--modversion", "openblas"]), "python": python}
    if have["numpy"]:
        info["numpy"] = out([python, "-c", "import numpy; print(numpy.__version__)"])
        info["numpy_blas"] = out([python, "-c", "import numpy; c = numpy.show_config(mode='dicts'); "
                                  "b = c['Build Dependencies']['blas']; print(b['name'], b.get('version', ''))"])
    if have["torch"]:
        info["torch"] = out([python, "-c", "import torch; print(torch.__version__)"])
    return info


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=3, help="runs per job and implementation (median)")
    p.add_argument("--python", default=sys.executable, help="Python with numpy (and torch) for the references")
    p.add_argument("--full", action="store_true", help="PyTorch XOR runs the full 1 000 000 epochs too")
    p.add_argument("--skip-build", action="store_true")
    p.add_argument("--json-out", help="also write the JSON result here")
    p.add_argument("--only", help="run only one kind of job: XOR, Playground, Fashion-MNIST, Recipe or CSV")
    args = p.parse_args()

    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    backprop, bench = os.path.join(BIN, "backprop"), os.path.join(BIN, "backprop-bench")
    have = {"numpy": can_import(args.python, "numpy"), "torch": can_import(args.python, "torch")}
    have_data = os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
    notes = []
    if not have["numpy"]:
        notes.append(f"NumPy missing for {args.python}: NumPy columns are empty (pip install numpy)")
    if not have["torch"]:
        notes.append(f"PyTorch missing for {args.python}: PyTorch columns are empty "
                     "(python3 -m venv .venv-ref && .venv-ref/bin/pip install torch numpy; then --python .venv-ref/bin/python)")
    if not have_data:
        notes.append("Fashion-MNIST missing: apt-get install dataset-fashion-mnist (its jobs are skipped)")
    result = {"machine": machine(args.python, have), "jobs": []}

    def xor_job(epochs):
        ours = [run_rss([backprop, "xor", "--epochs", str(epochs), "--print-every", str(epochs), "--json"])[0]["microseconds_per_epoch"]
                for _ in range(args.repeats)]
        job = {"job": f"XOR 2-2-1, {epochs:,} epochs", "unit": "µs/epoch", "backprop": median(ours)}
        if have["numpy"]:
            n = [run_rss([args.python, os.path.join(REFERENCE, "xor_numpy.py"), "--epochs", str(epochs)], reference_env())[0]["ns_per_epoch"] / 1000
                 for _ in range(args.repeats if epochs <= 100_000 else 1)]
            job["numpy"] = median(n)
        if have["torch"]:
            torch_epochs = epochs if (epochs <= 100_000 or args.full) else 100_000
            t = [run_rss([args.python, os.path.join(REFERENCE, "xor_torch.py"), "--epochs", str(torch_epochs)], reference_env())[0]["ns_per_epoch"] / 1000
                 for _ in range(args.repeats if torch_epochs <= 100_000 else 1)]
            job["torch"] = median(t)
            if torch_epochs != epochs:
                job["note"] = f"PyTorch ran {torch_epochs:,} epochs"
        return job

    def fmnist_jobs(layers, opt, batch):
        """One network on 1 and then 2 threads, alternating within each repeat (1, 2, 1, 2, …) so that
        both thread counts see the same stretches of a noisy host: the 2-thread/1-thread ratio is
        what the goals take, and a slow minute then slows both sides of it."""
        lr = "0.1" if opt == "sgd" else "0.001"
        jobs = {t: {"job": f"Fashion-MNIST {layers.replace(',', '-')} {opt} b{batch}, {t} thread{'s' if t > 1 else ''}",
                    "unit": "s/epoch", "layers": layers, "optimizer": opt, "batch": batch, "threads": t} for t in THREADS}
        ours = {t: {"times": [], "acc": [], "rss": [], "load": []} for t in THREADS}
        for _ in range(args.repeats):
            runs = pair(lambda t: run_rss([backprop, "train", "--data", "fashion-mnist", "--layers", layers, "--optimizer", opt,
                                           "--lr", lr, "--batch", str(batch), "--epochs", "3", "--threads", str(t), "--json"]))
            for t, (d, m, _) in runs.items():
                o = ours[t]
                o["times"].append(median([e["seconds"] for e in d["epochs"]]))
                o["acc"].append(d["test_accuracy"])
                o["rss"].append(m)
                o["load"].append(d["load_seconds"])
        for t in THREADS:
            o = ours[t]
            jobs[t].update(backprop=median(o["times"]), backprop_accuracy=median(o["acc"]), backprop_rss_mb=max(o["rss"]),
                           load_seconds=median(o["load"]))
        for ref, script in (("numpy", "fmnist_numpy.py"), ("torch", "fmnist_torch.py")):
            if not have[ref]:
                continue
            theirs = {t: {"times": [], "acc": [], "rss": []} for t in THREADS}
            for _ in range(args.repeats):
                runs = pair(lambda t: run_rss([args.python, os.path.join(REFERENCE, script), "--epochs", "3", "--batch", str(batch),
                                               "--opt", opt, "--lr", lr, "--layers", layers, "--threads", str(t)],
                                              reference_env(t if ref == "numpy" else None)))
                for t, (d, m, _) in runs.items():
                    o = theirs[t]
                    o["times"].append(median(d["epoch_s"]))
                    o["acc"].append(d["final_test_acc"])
                    o["rss"].append(m)
            for t in THREADS:
                o = theirs[t]
                jobs[t].update({ref: median(o["times"]), f"{ref}_accuracy": median(o["acc"]), f"{ref}_rss_mb": max(o["rss"])})
        # The step alone and its matrix products alone, for the BLAS share.
        gemm, step = {t: [] for t in THREADS}, {t: [] for t in THREADS}
        def products_and_step(t):
            sizes = ["--layers", layers, "--batch", str(batch), "--threads", str(t)]
            return (run_rss([bench, "gemm"] + sizes)[0]["seconds_per_step"],
                    run_rss([bench, "step"] + sizes + ["--optimizer", opt])[0]["seconds_per_step"])
        for _ in range(args.repeats):
            for t, (g, s) in pair(products_and_step).items():
                gemm[t].append(g)
                step[t].append(s)
        steps = (60000 + batch - 1) // batch
        for t in THREADS:
            g, s = median(gemm[t]), median(step[t])
            j = jobs[t]
            j.update(gemm_seconds_per_step=g, step_seconds_per_step=s, training_seconds_per_step=j["backprop"] / steps,
                     step_over_gemm=s / g, training_step_over_gemm=j["backprop"] / steps / g)
        # The same training loop on random data of the same shapes, 1 and 2 threads in one process in
        # turn: both see the same stretches of the host, which processes in turn do not.
        try:
            d = run_rss([bench, "pair", "--layers", layers, "--batch", str(batch), "--optimizer", opt,
                         "--steps", PAIR[0], "--reps", PAIR[1]])[0]
            jobs[THREADS[-1]].update(paired_ratio=d["ratio"], paired_ratios=d["ratios"], paired_seconds_1=d["seconds_1"],
                           paired_seconds_2=d["seconds_2"], note=f"in one process, {PAIR[0]} steps in turn: "
                           f"{d['seconds_per_epoch_2']:.3f} s vs {d['seconds_per_epoch_1']:.3f} s, 2t/1t {d['ratio']:.2f}")
        except RuntimeError as e:
            jobs[THREADS[-1]].update(paired_ratio=None, note=f"backprop-bench pair failed: {e}")
        return [jobs[t] for t in THREADS]

    def recipe_jobs():
        """examples/fashion-mnist-90.args, as the README runs it, on 1 and 2 threads (alternating
        within each repeat): train_seconds and test accuracy."""
        with open(os.path.join(ROOT, "examples", "fashion-mnist-90.args")) as f:
            recipe = f.read().split()
        runs = {t: [] for t in THREADS}
        for _ in range(args.repeats):
            for t, r in pair(lambda t: run_rss([backprop, "train"] + recipe + ["--threads", str(t), "--json"])[0]).items():
                runs[t].append(r)
        return [{"job": f"Recipe fashion-mnist-90.args, {t} thread{'s' if t > 1 else ''}", "unit": "s",
                 "threads": t, "backprop": median([d["train_seconds"] for d in r]),
                 "backprop_accuracy": median([d["test_accuracy"] for d in r]), "epochs": len(r[0]["epochs"])}
                for t, r in runs.items()]

    def csv_job():
        """Loading a 22 MB CSV (Fashion-MNIST's t10k as pixel columns): Backprop's parser beside numpy.loadtxt."""
        path = os.path.join(tempfile.mkdtemp(prefix="backprop-bench-"), "fashion-mnist-t10k.csv")
        run_rss([args.python, os.path.join(REFERENCE, "csv_numpy.py"), "--make", path])
        size = os.path.getsize(path)
        ours = [run_rss([bench, "csv", "--file", path, "--reps", "1"])[0]["seconds"] for _ in range(max(3, args.repeats))]
        job = {"job": f"CSV load, {size / 1e6:.1f} MB (10,000 rows × 785)", "unit": "s", "bytes": size, "backprop": median(ours),
               "backprop_mb_per_second": size / 1e6 / median(ours)}
        theirs = [run_rss([args.python, os.path.join(REFERENCE, "csv_numpy.py"), "--load", path], reference_env())[0]["seconds"]
                  for _ in range(max(3, args.repeats))]
        job.update(numpy=median(theirs), numpy_mb_per_second=size / 1e6 / median(theirs))
        os.remove(path)
        return job

    def state_job(hidden):
        """A fresh state after a step that ended an epoch, as the server makes and sends it: the state
        alone (the reply less the step and the epoch's measurement), and the whole reply."""
        runs = [run_rss([bench, "state", "--hidden", hidden, "--reps", "20"])[0] for _ in range(args.repeats)]
        shape = "2-" + hidden.replace(",", "-") + "-2"
        return {"job": f"Playground state, {shape}", "unit": "ms", "backprop": 1000 * median([d["state_seconds"] for d in runs]),
                "reply_ms": 1000 * median([d["seconds"] for d in runs]),
                "bytes": median([d["bytes"] for d in runs]), "first_bytes": median([d["first_bytes"] for d in runs])}

    def rate_job(hidden):
        """States per second that reach a WebSocket client of `backprop serve` while it plays."""
        rates = [states_per_second(backprop, [int(h) for h in hidden.split(",")]) for _ in range(args.repeats)]
        shape = "2-" + hidden.replace(",", "-") + "-2"
        return {"job": f"Playground states/s, {shape}", "unit": "1/s", "backprop": median([r for r, _ in rates]),
                "bytes": median([b for _, b in rates])}

    def browser_job(hidden, select):
        """States per second the page itself handles in headless Chromium, with `select` selected
        (its chain rule in every state); without chromium and chromedriver, or when they fail, no
        row but a note."""
        try:
            rates = [browser_states_per_second(backprop, [int(h) for h in hidden.split(",")], select=select)
                     for _ in range(args.repeats)]
        except (OSError, RuntimeError, ValueError, KeyError) as error:     # a browser that does not start: no row, a note
            notes.append(f"Playground in Chromium: not measured ({error})")
            return []
        sizes = hidden.split(",")
        shape = f"2-{sizes[0]}×{len(sizes)}-2" if len(set(sizes)) == 1 else "2-" + "-".join(sizes) + "-2"
        return {"job": f"Chromium states/s, {shape}, {select}", "unit": "1/s",
                "backprop": median([r for r, _ in rates]), "chain_chars": median([c for _, c in rates])}

    def pair(run):
        """One repeat of a job: run(1), then at once run(2), side by side in time."""
        return {t: run(t) for t in THREADS}

    def two_core_probe():
        """What two threads give right now: the products of a 784-128-10 batch-64 step on 2 threads
        over 1 (backprop-bench gemm, about 0.2 s). About 0.6 when the host runs this machine's two
        vCPUs on two cores; near 1 when they share one (then no 2-thread figure can be good)."""
        def seconds(threads):
            return run_rss([bench, "gemm", "--layers", "784,128,10", "--batch", "64", "--threads", str(threads),
                            "--reps", "300"])[0]["seconds_per_step"]
        one = seconds(1)
        return round(seconds(2) / one, 2)

    # (what --only matches, the job)
    jobs = [("XOR", lambda: xor_job(10_000)), ("XOR", lambda: xor_job(1_000_000)),
            ("Playground", lambda: state_job("8,8")), ("Playground", lambda: state_job("16,16,16,16,16,16")),
            ("Playground", lambda: rate_job("8,8")), ("Playground", lambda: rate_job("16,16,16,16,16,16"))]
    jobs.append(("Playground", lambda: browser_job("16,16,16,16,16,16", "w-2-0-1")))    # a note without Chromium
    if have_data:
        for layers, opt, batch in (("784,128,10", "sgd", 64), ("784,256,128,10", "adam", 128)):
            jobs.append(("Fashion-MNIST", lambda l=layers, o=opt, b=batch: fmnist_jobs(l, o, b)))
        jobs.append(("Recipe", recipe_jobs))
        if have["numpy"]:
            jobs.append(("CSV", csv_job))
    for name, make in jobs:
        if args.only and args.only.lower() not in name.lower():
            continue
        before, probe = cpu_times(), two_core_probe()
        made = make()
        steal, probe = steal_shares(before, cpu_times()), [probe, two_core_probe()]
        for job in made if isinstance(made, list) else [made]:
            job["two_core_probe"] = probe
            if steal is not None:
                job["host_steal"] = steal
            result["jobs"].append(job)
            print(f"done: {job['job']}", file=sys.stderr)
    result["goals"] = goals(result["jobs"])

    # The table.
    def f(x, unit):
        if x is None:
            return "-"
        return f"{x:.3f}" if unit == "µs/epoch" else f"{x:.3f}"

    def ratio(a, b):
        return f"{a / b:.3f}" if a is not None and b else "-"

    header = f"{'job':44} {'unit':9} {'backprop':>9} {'numpy':>9} {'torch':>9} {'bp/numpy':>9} {'bp/torch':>9}  {'test acc bp/np/pt':>20}  {'peak RSS MB bp/np/pt':>22}  {'step/gemm':>9}  {'steal':>9}  {'2t/1t probe':>11}"
    print(header)
    print("-" * len(header))
    for j in result["jobs"]:
        acc = "/".join(f"{j[k]:.4f}" if j.get(k) is not None else "-" for k in ("backprop_accuracy", "numpy_accuracy", "torch_accuracy")) if "backprop_accuracy" in j else ""
        rss = "/".join(f"{j[k]:.0f}" if j.get(k) is not None else "-" for k in ("backprop_rss_mb", "numpy_rss_mb", "torch_rss_mb")) if "backprop_rss_mb" in j else ""
        sg = f"{j['training_step_over_gemm']:.2f}" if "training_step_over_gemm" in j else ""
        st = "/".join(f"{100 * v:.0f}%" for v in j["host_steal"]) if j.get("host_steal") else ""
        pr = "/".join(f"{v:.2f}" for v in j["two_core_probe"]) if j.get("two_core_probe") else ""
        print(f"{j['job']:44} {j['unit']:9} {f(j.get('backprop'), j['unit']):>9} {f(j.get('numpy'), j['unit']):>9} {f(j.get('torch'), j['unit']):>9} "
              f"{ratio(j.get('backprop'), j.get('numpy')):>9} {ratio(j.get('backprop'), j.get('torch')):>9}  {acc:>20}  {rss:>22}  {sg:>9}  {st:>9}  {pr:>11}"
              + (f"   ({j['note']})" if j.get("note") else ""))
    print("step/gemm: a training step (epoch time / steps) over its matrix products alone (backprop-bench gemm).")
    print("steal and probe: over the whole job (a network's 1- and 2-thread rows share them: they run in turn). "
          "steal: the share of each CPU's time the hypervisor gave to others (/proc/stat): "
          "a 2-thread step waits for its slower half, so 2-thread figures mean little where it is high.")
    print("2t/1t probe: a step's products on 2 threads over 1, just before and after the job: about 0.6 when the host "
          "runs the two vCPUs on two cores, near 1 when it runs them on one (no 2-thread figure can then be good).")
    m = result["machine"]
    print(f"machine: {m['cpu']}, {m['cores']} cores; {m.get('swift', '')}; OpenBLAS {m.get('openblas', '?')} for Backprop"
          + (f"; NumPy {m['numpy']} ({m.get('numpy_blas', '')})" if "numpy" in m else "")
          + (f"; PyTorch {m['torch']}" if "torch" in m else ""))
    for g in result["goals"]:
        print(f"goal: {g['goal']}: {g['figure']} — {'met' if g['met'] else 'NOT met'}")
    for n in notes:
        print("note: " + n)
    result["notes"] = notes
    line = json.dumps(result)
    print(line)
    if args.json_out:
        with open(args.json_out, "w") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main()
