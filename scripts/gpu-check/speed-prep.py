"""Speed preparation (a comparison tool: Python here only drives transformers): a random-weight Qwen2.5-VL checkpoint and one fixed prompt, shared by s4-ours.mjs and s4-hf.py.

usage: python3 s4-prep.py <dir> <size: 7b|tiny> <NL> <device: cuda|cpu>
Writes <dir>/model (save_pretrained, in S4_DTYPE (default bfloat16), config.json rewritten in full so every field the project's reader needs is
there, incl. vision_config.tokens_per_second = 2) and <dir>/inputs.safetensors:
  input_ids [1, Lp] (text + <|vision_start|> video_pad*N <|vision_end|> + text), attention_mask [1, Lp],
  mm_token_type_ids [1, Lp] (2 on video tokens), pixel_values_videos [t*h*w, 1176] fp32 N(0,1), video_grid_thw [1, 3],
  second_per_grid_ts [1] = 1.0, completion [8, 128] int64 (random ids < 150000: no special / vision ids).
Prints one JSON line with what it made.
"""
import json
import os
import sys
import time

import torch
import transformers
from safetensors.torch import save_file
from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

out, size, NL, device = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
G, NEW = int(os.environ.get("S4_G", "8")), int(os.environ.get("S4_NEW", "128"))
DTYPE = getattr(torch, os.environ.get("S4_DTYPE", "bfloat16"))
VS, VE, IMG, VID, PAD = 151652, 151653, 151655, 151656, 151643
t0 = time.time()

if size == "7b":
    text = dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=NL, num_attention_heads=28,
                num_key_value_heads=4, mrope=[16, 24, 24])
    vdepth = int(os.environ.get("S4_VDEPTH", "4"))
    vision = dict(depth=vdepth, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=3584,
                  fullatt_block_indexes=[i for i in (3, 7, 15, 23, 31) if i < vdepth] or [vdepth - 1])
    grid = [int(x) for x in os.environ.get("S4_GRID", "4,28,40").split(",")]
    n_text = 60
else:  # tiny: for the CPU test of the script
    text = dict(vocab_size=152064, hidden_size=256, intermediate_size=512, num_hidden_layers=NL, num_attention_heads=4,
                num_key_value_heads=2, mrope=[8, 12, 12])
    vision = dict(depth=2, hidden_size=64, intermediate_size=128, num_heads=2, out_hidden_size=256, fullatt_block_indexes=[1])
    grid = [int(x) for x in os.environ.get("S4_GRID", "2,14,20").split(",")]
    n_text = 60

mrope = text.pop("mrope")
cfg = Qwen2_5_VLConfig(
    **text,
    rope_theta=1e6, rms_norm_eps=1e-6, max_position_embeddings=128000, tie_word_embeddings=False,
    use_sliding_window=False, hidden_act="silu",
    rope_scaling={"type": "mrope", "mrope_section": mrope},
    vision_start_token_id=VS, vision_end_token_id=VE, image_token_id=IMG, video_token_id=VID,
    bos_token_id=151643, eos_token_id=151645, pad_token_id=PAD,
    vision_config=dict(**vision, patch_size=14, temporal_patch_size=2, spatial_merge_size=2, window_size=112,
                       tokens_per_second=2, hidden_act="silu", in_chans=3),
)
dev = torch.device(device)
torch.manual_seed(0)
with dev:
    model = Qwen2_5_VLForConditionalGeneration._from_config(cfg, dtype=DTYPE)
with torch.no_grad():  # normal(0, 0.02) everywhere except norms (1) and biases (0)
    for name, p in model.named_parameters():
        if "norm" in name or "ln_q" in name:
            p.fill_(1.0)
        elif name.endswith(".bias"):
            p.zero_()
        else:
            p.normal_(0.0, 0.02)
n_params = sum(p.numel() for p in model.parameters())
t_init = time.time() - t0
mdir = os.path.join(out, "model")
model.save_pretrained(mdir, safe_serialization=True, max_shard_size="50GB")
# the full config (save_pretrained writes only non-default values): the project's reader wants explicit fields.
# The file save_pretrained wrote is kept as config.saved.json (s4-ours.mjs checks whether the reader takes it as is).
os.replace(os.path.join(mdir, "config.json"), os.path.join(mdir, "config.saved.json"))
full = model.config.to_dict()
full["vision_config"]["tokens_per_second"] = 2
with open(os.path.join(mdir, "config.json"), "w") as f:
    json.dump(full, f, indent=1)
t_save = time.time() - t0 - t_init
del model
if device == "cuda":
    torch.cuda.empty_cache()

g = torch.Generator().manual_seed(1)
t_, h_, w_ = grid
n_vid = t_ * h_ * w_ // 4
pre = torch.randint(0, 150000, (n_text // 2,), generator=g)
post = torch.randint(0, 150000, (n_text - n_text // 2,), generator=g)
ids = torch.cat([pre, torch.tensor([VS]), torch.full((n_vid,), VID), torch.tensor([VE]), post]).view(1, -1)
mm = (ids == VID).to(torch.int32) * 2
inputs = {
    "input_ids": ids.long().contiguous(),
    "attention_mask": torch.ones_like(ids, dtype=torch.long),
    "mm_token_type_ids": mm.contiguous(),
    "pixel_values_videos": torch.randn(t_ * h_ * w_, 3 * 2 * 14 * 14, generator=g),
    "video_grid_thw": torch.tensor([grid], dtype=torch.long),
    "second_per_grid_ts": torch.tensor([1.0]),
    "completion": torch.randint(0, 150000, (G, NEW), generator=g),
}
save_file(inputs, os.path.join(out, "inputs.safetensors"))
summary = {
    "size": size, "NL": NL, "dtype": str(DTYPE).replace("torch.", ""), "params": n_params, "grid": grid, "prompt_tokens": int(ids.shape[1]), "video_tokens": n_vid,
    "G": G, "new_tokens": NEW, "init_s": round(t_init, 2), "save_s": round(t_save, 2), "total_s": round(time.time() - t0, 2),
    "transformers": transformers.__version__, "torch": torch.__version__,
    "files": sorted(os.listdir(mdir)),
}
with open(os.path.join(out, "prep.json"), "w") as f:
    json.dump(summary, f)
print(json.dumps(summary))
