"""Speed, HF transformers (a comparison tool: Python here only drives transformers; the product never runs Python): Qwen2_5_VLForConditionalGeneration (sdpa, S4_DTYPE: default bf16) on the s4-prep.py checkpoint and prompt.
  gen_rep   generate G x NEW tokens greedy from the prompt repeated G times (eos None: exactly NEW tokens)
  lp_rows   G full rows (prompt + completion) forward with logits_to_keep = NEW + 1, log_softmax in fp32, gather,
            backward of the sum
  gen_sample  gen_rep sampled (temperature 1, top-k 50, min_new_tokens = NEW)
  gen_big     gen_sample with S4_EXTRA=GxN (default 16x200: the reference's G and max_completion_length); last, so a
              short limit cuts it first
Trainable parameters as the project's trainer default (visual frozen except the merger). 1 warm-up + REPS timed runs,
torch.cuda.synchronize around each. Peak memory: torch.cuda.max_memory_allocated / reserved per phase and nvidia-smi
(whole GPU, like s4-ours.mjs). usage: python3 s4-hf.py <dir> <device> <out.json>
"""
import inspect
import json
import os
import subprocess
import sys
import threading
import time

import torch
import transformers
from safetensors.torch import load_file
from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration

d, device, out_file = sys.argv[1], sys.argv[2], sys.argv[3]
REPS = int(os.environ.get("S4_REPS", "3"))
PHASES = os.environ.get("S4_HF_PHASES", "gen_rep,lp_rows,gen_sample,gen_big").split(",")
BIG_G, BIG_N = (int(x) for x in os.environ.get("S4_EXTRA", "16x200").split("x"))
DTYPE = getattr(torch, os.environ.get("S4_DTYPE", "bfloat16"))
PAD = 151643
res = {"ok": False, "errors": [], "device": device, "dtype": str(DTYPE).replace("torch.", ""), "reps": REPS, "phases": {},
       "transformers": transformers.__version__, "torch": torch.__version__}


def save():
    with open(out_file, "w") as f:
        json.dump(res, f, indent=1)


class Smi:
    """nvidia-smi memory.used every 50 ms (MiB, whole GPU)."""

    def __init__(self):
        self.last = self.max = self.base = None
        self.p = None
        if device != "cuda":
            return
        try:
            self.p = subprocess.Popen(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", "0",
                                       "-lms", "50"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            return
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            try:
                v = float(line.strip())
            except ValueError:
                continue
            self.last = v
            if self.max is not None:
                self.max = max(self.max, v)

    def mark(self):
        self.base = self.last
        self.max = self.last

    def stop(self):
        if self.p:
            self.p.kill()


smi = Smi()
import atexit  # noqa: E402

atexit.register(smi.stop)
res["smi"] = smi.p is not None
cuda = device == "cuda"


def sync():
    if cuda:
        torch.cuda.synchronize()


t = time.time()
try:  # straight onto the device; without accelerate (or if refused) load on the CPU and move
    model = Qwen2_5_VLForConditionalGeneration.from_pretrained(os.path.join(d, "model"), dtype=DTYPE,
                                                               attn_implementation="sdpa", device_map=device)
    res["device_map"] = True
except Exception as e:  # noqa: BLE001
    res["device_map"] = repr(e)[:300]
    model = Qwen2_5_VLForConditionalGeneration.from_pretrained(os.path.join(d, "model"), dtype=DTYPE,
                                                               attn_implementation="sdpa").to(device)
sync()
res["load_s"] = round(time.time() - t, 3)
res["params"] = sum(p.numel() for p in model.parameters())
res["attn_implementation"] = model.config._attn_implementation
trainable = 0
for n, p in model.named_parameters():
    frozen = n.startswith("model.visual.") and not n.startswith("model.visual.merger.")
    p.requires_grad_(not frozen)
    trainable += not frozen
res["trainable_params"] = trainable
print(f"hf: loaded {res['params']} parameters in {res['load_s']} s ({res['attn_implementation']})", flush=True)
save()

inp = {k: v.to(device) for k, v in load_file(os.path.join(d, "inputs.safetensors")).items()}
comp = inp["completion"]
G, NEW = comp.shape
Lp = inp["input_ids"].shape[1]
res.update(G=G, new_tokens=NEW, prompt_tokens=Lp)
takes_mm = "mm_token_type_ids" in inspect.signature(model.forward).parameters
res["mm_token_type_ids_passed"] = takes_mm
rep = lambda x: x.repeat(G, *([1] * (x.dim() - 1)))
promptG = dict(input_ids=rep(inp["input_ids"]), attention_mask=rep(inp["attention_mask"]),
               pixel_values_videos=rep(inp["pixel_values_videos"]), video_grid_thw=rep(inp["video_grid_thw"]),
               second_per_grid_ts=inp["second_per_grid_ts"].repeat(G))
if takes_mm:
    promptG["mm_token_type_ids"] = rep(inp["mm_token_type_ids"])
fullG = dict(promptG)
fullG["input_ids"] = torch.cat([promptG["input_ids"], comp], 1)
fullG["attention_mask"] = torch.ones_like(fullG["input_ids"])
if takes_mm:
    fullG["mm_token_type_ids"] = torch.cat([promptG["mm_token_type_ids"], torch.zeros_like(comp, dtype=torch.int32)], 1)
gcfg = GenerationConfig(max_new_tokens=NEW, do_sample=False, num_beams=1, pad_token_id=PAD, eos_token_id=None,
                        bos_token_id=None, repetition_penalty=1.0, temperature=None, top_k=None, top_p=None)
sample = None


def gen_rep():
    global sample
    with torch.no_grad():
        out = model.generate(**promptG, generation_config=gcfg)
    new = out[:, Lp:]
    if tuple(new.shape) != (G, NEW):
        raise RuntimeError(f"generate returned {tuple(new.shape)}")
    sample = new


gcfg_s = GenerationConfig(max_new_tokens=NEW, min_new_tokens=NEW, do_sample=True, num_beams=1, pad_token_id=PAD,
                          eos_token_id=None, bos_token_id=None, repetition_penalty=1.0, temperature=1.0, top_k=50, top_p=1.0)


def gen_sample():
    global sample
    with torch.no_grad():
        out = model.generate(**promptG, generation_config=gcfg_s)
    new = out[:, Lp:]
    if tuple(new.shape) != (G, NEW):
        raise RuntimeError(f"generate returned {tuple(new.shape)}")
    sample = new


def gen_big():
    global sample
    rep_big = lambda x: x.repeat(BIG_G, *([1] * (x.dim() - 1)))
    p = dict(input_ids=rep_big(inp["input_ids"]), attention_mask=rep_big(inp["attention_mask"]),
             pixel_values_videos=rep_big(inp["pixel_values_videos"]), video_grid_thw=rep_big(inp["video_grid_thw"]),
             second_per_grid_ts=inp["second_per_grid_ts"].repeat(BIG_G))
    if takes_mm:
        p["mm_token_type_ids"] = rep_big(inp["mm_token_type_ids"])
    cfg = GenerationConfig(max_new_tokens=BIG_N, min_new_tokens=BIG_N, do_sample=True, num_beams=1, pad_token_id=PAD,
                           eos_token_id=None, bos_token_id=None, repetition_penalty=1.0, temperature=1.0, top_k=50, top_p=1.0)
    with torch.no_grad():
        out = model.generate(**p, generation_config=cfg)
    new = out[:, Lp:]
    if tuple(new.shape) != (BIG_G, BIG_N):
        raise RuntimeError(f"generate returned {tuple(new.shape)}")
    sample = new


def lp_rows():
    global sample
    out = model(**fullG, logits_to_keep=NEW + 1, use_cache=False)
    logits = out.logits[:, :-1]
    lp = torch.log_softmax(logits.float(), -1).gather(-1, comp.unsqueeze(-1)).squeeze(-1)
    lp.sum().backward()
    sample = lp.detach()


fns = {"gen_rep": gen_rep, "gen_sample": gen_sample, "lp_rows": lp_rows, "gen_big": gen_big}
for name in PHASES:
    fn = fns.get(name)
    if fn is None:
        continue
    try:
        model.zero_grad(set_to_none=True)
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        smi.mark()
        t0 = time.time()
        fn()
        sync()
        warm = time.time() - t0
        row0 = sample[0].tolist()
        row0 = [int(x) for x in row0] if name.startswith("gen") else [round(float(x), 5) for x in row0]
        runs = []
        for _ in range(REPS):
            model.zero_grad(set_to_none=True)
            t0 = time.time()
            fn()
            sync()
            runs.append(time.time() - t0)
        time.sleep(0.12)
        m = sum(runs) / len(runs)
        ph = {"warmup_s": round(warm, 4), "runs_s": [round(x, 4) for x in runs], "mean_s": round(m, 4),
              "peak_mib": smi.max, "base_mib": smi.base}
        if cuda:
            ph["torch_max_allocated_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
            ph["torch_max_reserved_mib"] = round(torch.cuda.max_memory_reserved() / 2**20, 1)
        if name == "gen_big":
            ph["tokens_per_s"], ph["G"], ph["new_tokens"] = round(BIG_G * BIG_N / m, 1), BIG_G, BIG_N
        else:
            ph["tokens_per_s"] = round(G * NEW / m, 1) if name.startswith("gen") else round(G * (Lp + NEW) / m, 1)
        ph["row0"] = row0
        res["phases"][name] = ph
        print(f"hf {name}: mean {ph['mean_s']} s over {REPS} (warm-up {ph['warmup_s']} s), {ph['tokens_per_s']} tok/s, "
              f"peak {ph['peak_mib']} MiB (torch allocated {ph.get('torch_max_allocated_mib')})", flush=True)
    except Exception as e:  # noqa: BLE001
        import traceback
        res["phases"][name] = {"error": traceback.format_exc()[-3000:]}
        res["errors"].append(f"{name}: {e!r}"[:2000])
        print(f"ERROR hf {name}: {traceback.format_exc()}", flush=True)
    save()
model.zero_grad(set_to_none=True)
res["ok"] = all(p in res["phases"] and "error" not in res["phases"][p] for p in PHASES)
save()
smi.stop()
