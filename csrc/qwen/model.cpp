#include "qwen/model.h"

#include <filesystem>
#include <stdexcept>

namespace rarft::qwen {

std::shared_ptr<QwenModel> QwenModel::Load(const std::string& dir, at::ScalarType dtype, const at::Device& device) {
  if (dtype != at::kFloat && dtype != at::kBFloat16 && dtype != at::kHalf)
    throw std::invalid_argument("qwen load: dtype must be float32, bfloat16 or float16");
  QwenConfig c = QwenConfig::FromFile((std::filesystem::path(dir) / "config.json").string());
  QwenWeights w = LoadWeights(dir, c, dtype, device);
  return std::shared_ptr<QwenModel>(new QwenModel(std::move(c), std::move(w), dtype, device));
}

int64_t QwenModel::ParameterCount() const {
  int64_t n = 0;
  for (auto& [name, t] : weights_.named) n += t.numel();
  return n;
}

at::Tensor QwenModel::VisionFeatures(const at::Tensor& pixel_values, const at::Tensor& grid_thw,
                                     VisionTrace* trace) const {
  return VisionForward(weights_.vision, config_.vision, pixel_values,
                       GridsFromTensor(grid_thw, config_.vision, "grid_thw"), trace, checkpoint_);
}

RopeIndex QwenModel::Rope(const QwenInputs& in, SpgMode mode) const {
  return ComputeRopeIndex(config_, in.input_ids, in.attention_mask, in.image_grid_thw, in.video_grid_thw,
                          in.second_per_grid_ts, mode);
}

namespace {

at::Tensor ScatterFeatures(at::Tensor emb, const at::Tensor& ids, int64_t token, const at::Tensor& feats,
                           const char* what) {
  at::Tensor m = ids == token;
  const int64_t n = m.sum().item<int64_t>();
  if (n != feats.size(0))
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(n) + " placeholder tokens (id " +
                                std::to_string(token) + ") but " + std::to_string(feats.size(0)) +
                                " feature rows from the grid");
  return emb.masked_scatter(m.unsqueeze(-1), feats.to(emb.scalar_type()));
}

}  // namespace

at::Tensor QwenModel::Embed(const QwenInputs& in) const {
  if (!in.input_ids.defined() || in.input_ids.dim() != 2)
    throw std::invalid_argument("input_ids: expected [B, L] integer tensor");
  at::Tensor ids = in.input_ids.to(device_).to(at::kLong);
  const int64_t V = config_.text.vocab_size;
  if (ids.numel() && (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= V))
    throw std::invalid_argument("input_ids: token id out of range [0, " + std::to_string(V) + ")");
  at::Tensor emb = at::embedding(weights_.text.embed, ids);
  const bool has_img = in.pixel_values.defined(), has_vid = in.pixel_values_videos.defined();
  if (has_img != in.image_grid_thw.defined()) throw std::invalid_argument("pixel_values and image_grid_thw go together");
  if (has_vid != in.video_grid_thw.defined())
    throw std::invalid_argument("pixel_values_videos and video_grid_thw go together");
  if (has_img)
    emb = ScatterFeatures(emb, ids, config_.image_token_id, VisionFeatures(in.pixel_values, in.image_grid_thw),
                          "images");
  else if ((ids == config_.image_token_id).any().item<bool>())
    throw std::invalid_argument("images: input_ids contain image placeholder tokens but no pixel_values were given");
  if (has_vid)
    emb = ScatterFeatures(emb, ids, config_.video_token_id,
                          VisionFeatures(in.pixel_values_videos, in.video_grid_thw), "videos");
  else if ((ids == config_.video_token_id).any().item<bool>())
    throw std::invalid_argument("videos: input_ids contain video placeholder tokens but no pixel_values_videos");
  return emb;
}

at::Tensor QwenModel::Hidden(const QwenInputs& in, SpgMode mode) const {
  at::Tensor emb = Embed(in);
  const int64_t B = emb.size(0), L = emb.size(1);
  at::Tensor pos = in.position_ids.defined() ? in.position_ids.to(device_) : Rope(in, mode).position_ids.to(device_);
  at::Tensor mask = in.attention_mask.defined() ? in.attention_mask.to(device_)
                                                : at::ones({B, L}, at::TensorOptions().dtype(at::kLong).device(device_));
  return DecoderForward(weights_.text, config_.text, emb, pos, mask, nullptr, checkpoint_);
}

at::Tensor QwenModel::Forward(const QwenInputs& in, SpgMode mode) const {
  return at::linear(Hidden(in, mode), weights_.text.lm_head);
}

}  // namespace rarft::qwen
