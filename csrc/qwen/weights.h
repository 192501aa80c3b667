// Qwen2.5-VL parameters: one named tensor per checkpoint entry (legacy HF names, spec §4.1), plus typed views into
// the same tensors for the forward code. The named list is the single source of truth: the typed structs hold the
// same at::Tensor objects (shared TensorImpl), so requires_grad / optimizer updates through either are seen by both.
#pragma once
#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

#include "qwen/config.h"

namespace rarft::qwen {

struct VisionBlockWeights {
  at::Tensor norm1, norm2, qkv_w, qkv_b, proj_w, proj_b, gate_w, gate_b, up_w, up_b, down_w, down_b;
};
struct VisionWeights {
  at::Tensor patch_w;  // [D, C, TP, P, P] as stored; used as a [D, C*TP*P*P] matmul (spec §2.2)
  std::vector<VisionBlockWeights> blocks;
  at::Tensor ln_q, mlp0_w, mlp0_b, mlp2_w, mlp2_b;
};
struct DecoderLayerWeights {
  at::Tensor input_norm, q_w, q_b, k_w, k_b, v_w, v_b, o_w, post_norm, gate_w, up_w, down_w;
};
struct TextWeights {
  at::Tensor embed;  // [vocab, d]
  std::vector<DecoderLayerWeights> layers;
  at::Tensor norm;
  at::Tensor lm_head;  // the same tensor as `embed` when tie_word_embeddings
};

struct QwenWeights {
  VisionWeights vision;
  TextWeights text;
  // Unique parameters in checkpoint order (legacy names; no lm_head entry when tied).
  std::vector<std::pair<std::string, at::Tensor>> named;
};

// The expected (legacy name, shape) list for a config, in checkpoint order; lm_head only when untied.
std::vector<std::pair<std::string, std::vector<int64_t>>> ExpectedParameters(const QwenConfig& c);

// Maps an on-disk/in-memory name of any HF version to the legacy name (spec §4.2):
// "model.language_model.X" -> "model.X", "model.visual.X" -> "visual.X"; others unchanged.
std::string CanonicalName(const std::string& name);

// Reads config.json and model.safetensors (or the shards of model.safetensors.index.json) from `dir` into `dtype` on
// `device`. Every expected tensor must be present with its exact shape; a missing tensor, a wrong shape or an
// unexpected tensor throws std::invalid_argument naming the tensor, expected and found shapes and the file.
// `lazy`: the tensors stay read-only views of the memory-mapped files, in the files' dtype on the CPU (`dtype` and
// `device` are then ignored). Only for a model that is sharded at once (ModelSharding packs each block into its
// slice in the training dtype): ranks on one node then share the page cache instead of each holding a full copy.
QwenWeights LoadWeights(const std::string& dir, const QwenConfig& config, at::ScalarType dtype, const at::Device& device,
                        bool lazy = false);

// Builds the typed views over an already-filled named list (used by LoadWeights and for synthetic weights).
QwenWeights BindWeights(const QwenConfig& config, std::vector<std::pair<std::string, at::Tensor>> named);

// Writes config.json (the loaded text, verbatim) and model.safetensors with legacy names, in the weights' dtype, so
// transformers' from_pretrained loads it.
void SaveCheckpoint(const std::string& dir, const QwenConfig& config, const QwenWeights& w);
// config.json alone (atomically); SaveCheckpoint writes it after the weights, and so does the streamed sharded save.
void SaveConfig(const std::string& dir, const QwenConfig& config);

}  // namespace rarft::qwen
