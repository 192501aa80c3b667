"""The GRPO step of bench/grpo-step.bench.ts, timed in HF transformers + torch on the same CPU (outside CI).

Reads the step inputs the TS bench dumped (<work>/step-inputs.safetensors: 2 prompts, their video tensors, the G
completion ids our policy sampled, rewards, advantages, and the sampling / loss / optimizer settings as metadata),
loads the SAME tiny checkpoint folder with Qwen2_5_VLForConditionalGeneration.from_pretrained (policy, and a frozen
copy as the reference), and times per step, as TRL's GRPOTrainer does the work:
  generate   per prompt: model.generate(num_return_sequences=G, do_sample, same temperature/top_k/top_p/max_new_tokens,
             stop ids as eos), seeded
  logprob    per prompt: policy forward over G x (prompt + dumped completion), logits_to_keep = T+1 (as TRL),
             logits -> log_softmax -> gather, entropy under no_grad (TRL logs it; ours computes it too)
  ref        per prompt: the same forward on the reference under no_grad
  backward   per prompt: k3-KL GRPO loss (token mean over the prompt's completions, beta from the dump), / prompts,
             .backward()  (the loss arithmetic is inside this timer; ours times backward() alone)
  update     clip_grad_norm_ + torch.optim.AdamW.step + zero_grad
The log-prob/ref/backward phases use OUR sampled completion ids (identical tensors); generate samples its own
(different RNG), so its decode length is reported beside it. Usage:
  .venv/bin/python scripts/compare/grpo_step_hf.py [step-inputs.safetensors] [--steps 12 --warmup 2]
Writes bench/results/grpo-step-hf.json ({name, value, unit, note} + context) and prints ours/HF per phase when
bench/results/grpo-step.json exists.
"""
import argparse
import json
import os
import platform
import tempfile
import time
from datetime import datetime, timezone

import torch
import transformers
from safetensors import safe_open
from transformers import Qwen2_5_VLForConditionalGeneration

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PHASES = ["generate", "logprob", "ref", "backward", "update", "step"]


def load_dump(path):
    with safe_open(path, "pt") as f:
        meta = f.metadata()
        t = {k: f.get_tensor(k) for k in f.keys()}
    prompts = [{k.split(".", 1)[1]: v for k, v in t.items() if k.startswith(f"p{i}.")} for i in range(int(meta["prompts"]))]
    return meta, prompts


def repeat_rows(p, G, completion=None):
    """G copies of the prompt (+ completion), video rows repeated per row: our repeatedInputs layout and TRL's."""
    ids = p["input_ids"].expand(G, -1)
    if completion is not None:
        ids = torch.cat([ids, completion], 1)
    return dict(
        input_ids=ids.contiguous(),
        attention_mask=torch.ones_like(ids),  # all ones like ours (TRL would also mask the padding after a stop)
        pixel_values_videos=p["pixel_values_videos"].repeat(G, 1),
        video_grid_thw=p["video_grid_thw"].repeat(G, 1),
        second_per_grid_ts=p["second_per_grid_ts"].repeat(G),
    )


def completion_mask(ids, stops):
    is_stop = torch.zeros_like(ids, dtype=torch.bool)
    for s in stops:
        is_stop |= ids == s
    s = is_stop.long()
    return ((s.cumsum(1) - s) == 0).float()


def token_logps(model, inputs, completion, temperature, entropy):
    T = completion.shape[1]
    logits = model(**inputs, logits_to_keep=T + 1, use_cache=False).logits[:, :-1] / temperature
    logp = torch.log_softmax(logits, -1)
    out = logp.gather(-1, completion.unsqueeze(-1)).squeeze(-1)
    if entropy:
        with torch.no_grad():
            _ = -(logp.exp() * logp).sum(-1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump", nargs="?", default=os.path.join(tempfile.gettempdir(), "rarft-grpo-step-bench", "step-inputs.safetensors"))
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--warmup", type=int, default=2)
    a = ap.parse_args()
    meta, prompts = load_dump(a.dump)
    threads = int(meta["threads"])
    torch.set_num_threads(threads)
    G, beta, temp = int(meta["num_generations"]), float(meta["beta"]), float(meta["temperature"])
    stops = [int(x) for x in meta["stop_token_ids"].split(",")]
    load0 = os.getloadavg()

    model = Qwen2_5_VLForConditionalGeneration.from_pretrained(meta["model_dir"], dtype=torch.float32)
    ref = Qwen2_5_VLForConditionalGeneration.from_pretrained(meta["model_dir"], dtype=torch.float32).eval().requires_grad_(False)
    model.train()
    # the reference's fix_vit, as our freeze/unfreeze defaults: the vision tower frozen except its patch merger
    for n, prm in model.named_parameters():
        prm.requires_grad_(not (".visual." in f".{n}" and "visual.merger." not in n))
    trainable = [prm for prm in model.parameters() if prm.requires_grad]
    betas = tuple(float(x) for x in meta["adam_betas"].split(","))
    opt = torch.optim.AdamW(trainable, lr=float(meta["learning_rate"]), betas=betas, eps=float(meta["adam_epsilon"]), weight_decay=float(meta["weight_decay"]))

    times, gen_lens = {k: [] for k in PHASES}, []
    for step in range(a.warmup + a.steps):
        t = dict.fromkeys(PHASES, 0.0)
        t_step = time.perf_counter()
        for k, p in enumerate(prompts):
            torch.manual_seed(int(meta["seed"]) + step * len(prompts) + k)
            t0 = time.perf_counter()
            out = model.generate(
                input_ids=p["input_ids"], attention_mask=p["attention_mask"], pixel_values_videos=p["pixel_values_videos"],
                video_grid_thw=p["video_grid_thw"], second_per_grid_ts=p["second_per_grid_ts"], do_sample=True,
                temperature=temp, top_k=int(meta["top_k"]), top_p=float(meta["top_p"]), max_new_tokens=int(meta["max_new_tokens"]),
                num_return_sequences=G, eos_token_id=stops, pad_token_id=int(meta["pad_id"]), repetition_penalty=1.0,
            )
            t["generate"] += time.perf_counter() - t0
            gen_lens.append(out.shape[1] - p["input_ids"].shape[1])
        for p in prompts:
            comp = p["completion_ids"]
            inputs = repeat_rows(p, G, comp)
            mask = completion_mask(comp, stops)
            t0 = time.perf_counter()
            logps = token_logps(model, inputs, comp, temp, entropy=True)
            t["logprob"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            with torch.no_grad():
                ref_logps = token_logps(ref, inputs, comp, temp, entropy=False)
            t["ref"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            A = p["advantages"].unsqueeze(1)
            ratio = torch.exp(logps - logps.detach())
            d = ref_logps - logps
            per_token = -(ratio * A) + beta * (torch.exp(d) - d - 1)  # on-policy: the clip never binds (ratio == 1)
            loss = (per_token * mask).sum() / mask.sum()
            (loss / len(prompts)).backward()
            t["backward"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(trainable, float(meta["max_grad_norm"]))
        opt.step()
        opt.zero_grad()
        t["update"] = time.perf_counter() - t0
        t["step"] = time.perf_counter() - t_step
        if step >= a.warmup:
            for k in PHASES:
                times[k].append(t[k])

    load1 = os.getloadavg()
    mean = {k: sum(v) / len(v) for k, v in times.items()}
    gl = gen_lens[a.warmup * len(prompts):]
    note = (f"HF transformers {transformers.__version__}, torch {torch.__version__}, {threads} threads, mean of {a.steps} steps after {a.warmup} warm-up; "
            f"{len(prompts)} prompts x G={G}, prompt {prompts[0]['input_ids'].shape[1]} tokens, completion ids {prompts[0]['completion_ids'].shape[1]} (ours, for logprob/ref/backward), "
            f"HF generate decode length mean {sum(gl) / len(gl):.1f} (max {meta['max_new_tokens']}); load average {load0[0]:.2f} -> {load1[0]:.2f}")
    recs = [{"name": f"grpo step time/{k}", "value": mean[k], "unit": "s/step", "note": note} for k in PHASES]
    ctx = {"suite": "grpo-step-hf", "date": datetime.now(timezone.utc).isoformat(), "python": platform.python_version(), "cpus": os.cpu_count(), "cpu": platform.processor()}
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "grpo-step-hf.json"), "w") as f:
        json.dump([{**r, "context": ctx} for r in recs], f, indent=2)
        f.write("\n")
    ours_path = os.path.join(ROOT, "bench", "results", "grpo-step.json")
    ours = {r["name"]: r["value"] for r in json.load(open(ours_path))} if os.path.exists(ours_path) else {}
    for r in recs:
        o = ours.get(r["name"])
        print(f"grpo-step-hf: {r['name']} = {r['value']:.4f} s" + (f"  ours {o:.4f} s, ours/HF {o / r['value']:.3f}" if o else ""))
    if ours:
        same = ["generate", "logprob", "ref", "backward", "update"]
        o, h = sum(ours[f"grpo step time/{k}"] for k in same), sum(mean[k] for k in same)
        print(f"grpo-step-hf: sum of the 5 shared phases: ours {o:.4f} s, HF {h:.4f} s, ours/HF {o / h:.3f}")
    print(f"grpo-step-hf: {note}")


if __name__ == "__main__":
    main()
