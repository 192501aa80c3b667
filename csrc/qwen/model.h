// Qwen2_5_VLForConditionalGeneration in libtorch: load/save an HF checkpoint folder, vision features, 3-D positions,
// the scatter of visual features into the placeholder embeddings, the decoder and the LM head.
#pragma once
#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "qwen/config.h"
#include "qwen/rope_index.h"
#include "qwen/sharding.h"
#include "qwen/text.h"
#include "qwen/vision.h"
#include "qwen/weights.h"

namespace rarft::qwen {

// Undefined tensors mean "absent".
struct QwenInputs {
  at::Tensor input_ids;       // [B, L] int64
  at::Tensor attention_mask;  // [B, L] (1 real, 0 padding); absent = all ones
  at::Tensor pixel_values, image_grid_thw;
  at::Tensor pixel_values_videos, video_grid_thw, second_per_grid_ts;
  at::Tensor position_ids;  // [3, B, L] override; absent = computed by ComputeRopeIndex
  // GRPO groups: rows b*G .. b*G+G-1 repeat prompt b, and the pixel values / grids / spg describe only the B/G
  // distinct prompts' items. The vision tower then runs once per prompt and its features are reused G times.
  int64_t group_size = 1;
};

class QwenModel {
 public:
  // `lazy` (weights.h): the weights stay memory-mapped in the file's dtype until Shard() packs this rank's slices;
  // such a model must be sharded before any other use (checked).
  static std::shared_ptr<QwenModel> Load(const std::string& dir, at::ScalarType dtype, const at::Device& device,
                                         bool lazy = false);
  // Sharded: a collective (every rank calls it); only rank 0 writes.
  void Save(const std::string& dir) const;

  // Vision features [Σ N_i/4, d] for one call's pixel rows (images or videos, spec §2).
  at::Tensor VisionFeatures(const at::Tensor& pixel_values, const at::Tensor& grid_thw,
                            VisionTrace* trace = nullptr) const;
  RopeIndex Rope(const QwenInputs& in, SpgMode mode) const;
  // Token embeddings with image then video features written at their placeholder tokens (row-major order), after
  // checking that the placeholder counts equal the feature rows.
  at::Tensor Embed(const QwenInputs& in) const;
  // Final-normed hidden states [B, L, d] (the LM head input).
  at::Tensor Hidden(const QwenInputs& in, SpgMode mode) const;
  // logits [B, L, vocab] in the weights' dtype (HF does not upcast).
  at::Tensor Forward(const QwenInputs& in, SpgMode mode) const;

  const QwenConfig& config() const { return config_; }
  const QwenWeights& weights() const { return weights_; }
  at::ScalarType dtype() const { return dtype_; }
  at::Device device() const { return device_; }
  int64_t ParameterCount() const;
  // Recompute every vision block and decoder layer in backward instead of keeping activations (training memory).
  void SetGradientCheckpointing(bool on) { checkpoint_ = on; }
  bool gradient_checkpointing() const { return checkpoint_; }

  // ZeRO-3 (sharding.h): from here on this rank keeps 1/world of every parameter; `trainable` names get grads.
  // sync_from_root broadcasts rank 0's weights first (ranks that loaded different weights start identical).
  void Shard(std::shared_ptr<dist::Group> group, const std::set<std::string>& trainable, bool sync_from_root);
  ModelSharding* sharding() const { return sharding_.get(); }

 private:
  QwenModel(QwenConfig c, QwenWeights w, at::ScalarType dt, at::Device dev)
      : config_(std::move(c)), weights_(std::move(w)), dtype_(dt), device_(dev) {}
  QwenConfig config_;
  QwenWeights weights_;
  at::ScalarType dtype_;
  at::Device device_;
  void CheckLoaded() const;
  bool checkpoint_ = false;
  bool lazy_ = false;
  std::shared_ptr<ModelSharding> sharding_;
};

}  // namespace rarft::qwen
