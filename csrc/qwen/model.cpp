#include "qwen/model.h"

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>

#include "io/safetensors_writer.h"

namespace rarft::qwen {

std::shared_ptr<QwenModel> QwenModel::Load(const std::string& dir, at::ScalarType dtype, const at::Device& device,
                                           bool lazy) {
  if (dtype != at::kFloat && dtype != at::kBFloat16 && dtype != at::kHalf)
    throw std::invalid_argument("qwen load: dtype must be float32, bfloat16 or float16");
  QwenConfig c = QwenConfig::FromFile((std::filesystem::path(dir) / "config.json").string());
  QwenWeights w = LoadWeights(dir, c, dtype, device, lazy);
  auto m = std::shared_ptr<QwenModel>(new QwenModel(std::move(c), std::move(w), dtype, device));
  m->lazy_ = lazy;
  return m;
}

void QwenModel::CheckLoaded() const {
  if (lazy_ && !sharding_)
    throw std::logic_error("this model was loaded lazily (memory-mapped, for sharding) and must be sharded before use");
}

int64_t QwenModel::ParameterCount() const {
  int64_t n = 0;
  if (sharding_) {  // the tensors are empty between uses: count the layouts
    for (auto& b : sharding_->blocks())
      for (const auto& sh : {b->trainable_shard(), b->frozen_shard()})
        if (sh) n += sh->layout().total;
    return n;
  }
  for (auto& [name, t] : weights_.named) n += t.numel();
  return n;
}

void QwenModel::Save(const std::string& dir) const {
  CheckLoaded();
  if (!sharding_) return SaveCheckpoint(dir, config_, weights_);
  // Collective: every rank takes part in each block's gather; rank 0 appends the block to model.safetensors and drops
  // it before the next one, so no rank ever holds the whole model (DeepSpeed gathers 16-bit weights layer by layer
  // for the same reason). The header is fixed up front from the blocks' layouts.
  const bool root = sharding_->group().rank() == 0;
  std::unique_ptr<io::SafetensorsWriter> writer;
  if (root) {
    std::filesystem::create_directories(dir);
    writer = std::make_unique<io::SafetensorsWriter>((std::filesystem::path(dir) / "model.safetensors").string(),
                                                     sharding_->FileEntries(), std::map<std::string, std::string>{{"format", "pt"}});
  }
  for (const auto& block : sharding_->blocks())
    for (const auto& [name, t] : block->GatherFull())
      if (writer) writer->Append(name, t);
  if (writer) {
    writer->Finish();
    SaveConfig(dir, config_);
  }
}

void QwenModel::Shard(std::shared_ptr<dist::Group> group, const std::set<std::string>& trainable, bool sync_from_root) {
  if (sharding_) throw std::logic_error("the model is already sharded");
  for (const std::string& n : trainable) {
    bool found = false;
    for (auto& [m, t] : weights_.named) found = found || m == n;
    if (!found) throw std::invalid_argument("shard: no parameter named '" + n + "'");
  }
  sharding_ = std::make_shared<ModelSharding>(weights_, trainable, std::move(group), sync_from_root,
                                              at::TensorOptions().dtype(dtype_).device(device_));
}

at::Tensor QwenModel::VisionFeatures(const at::Tensor& pixel_values, const at::Tensor& grid_thw,
                                     VisionTrace* trace) const {
  CheckLoaded();
  RestScope rest(sharding_.get());
  return VisionForward(weights_.vision, config_.vision, pixel_values,
                       GridsFromTensor(grid_thw, config_.vision, "grid_thw"), trace, checkpoint_, sharding_.get());
}

RopeIndex QwenModel::Rope(const QwenInputs& in, SpgMode mode) const {
  if (in.group_size <= 1)
    return ComputeRopeIndex(config_, in.input_ids, in.attention_mask, in.image_grid_thw, in.video_grid_thw,
                            in.second_per_grid_ts, mode);
  // Grouped rows: the grids describe the distinct prompts; repeat each prompt's grid rows G times (its item count is
  // taken from the group's first row), so the per-row walk of §3.2 sees one grid per occurrence.
  const int64_t G = in.group_size, B = in.input_ids.size(0);
  if (B % G) throw std::invalid_argument("group_size " + std::to_string(G) + " does not divide the batch " + std::to_string(B));
  at::Tensor ids = in.input_ids.to(at::kCPU).to(at::kLong);
  at::Tensor mask = in.attention_mask.defined() ? in.attention_mask.to(at::kCPU).to(at::kLong) : at::ones_like(ids);
  auto items_per_row = [&](int64_t token) {
    // items = vision_start tokens followed by `token`, among real tokens (same rule as ComputeRopeIndex)
    at::Tensor start = (ids.narrow(1, 0, ids.size(1) - 1) == config_.vision_start_token_id) &
                       (ids.narrow(1, 1, ids.size(1) - 1) == token) & mask.narrow(1, 0, ids.size(1) - 1).to(at::kBool);
    return start.sum(1).contiguous();
  };
  auto expand = [&](const at::Tensor& t, int64_t token) -> at::Tensor {
    if (!t.defined()) return t;
    at::Tensor n = items_per_row(token);
    const int64_t* np = n.data_ptr<int64_t>();
    std::vector<at::Tensor> parts;
    int64_t off = 0;
    for (int64_t p = 0; p < B / G; ++p) {
      const int64_t k = np[p * G];
      if (off + k > t.size(0)) throw std::invalid_argument("rope index: the grouped prompts have more visual items than grid rows");
      for (int64_t g = 0; g < G; ++g) parts.push_back(t.narrow(0, off, k));
      off += k;
    }
    return at::cat(parts, 0);
  };
  return ComputeRopeIndex(config_, in.input_ids, in.attention_mask, expand(in.image_grid_thw, config_.image_token_id),
                          expand(in.video_grid_thw, config_.video_token_id),
                          expand(in.second_per_grid_ts, config_.video_token_id), mode);
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

// Features of the distinct prompts' items -> features for all rows when rows come in groups of G copies of a prompt:
// each prompt's block of rows (its placeholder count, read from the group's first row) is repeated G times, which is
// exactly the row-major order masked_scatter fills.
at::Tensor ExpandGroups(const at::Tensor& feats, const at::Tensor& ids, int64_t token, int64_t G, const char* what) {
  const int64_t B = ids.size(0);
  if (B % G) throw std::invalid_argument(std::string("group_size ") + std::to_string(G) + " does not divide the batch " + std::to_string(B));
  at::Tensor counts = (ids == token).sum(1).to(at::kCPU);
  const int64_t* c = counts.data_ptr<int64_t>();
  std::vector<at::Tensor> parts;
  int64_t off = 0;
  for (int64_t p = 0; p < B / G; ++p) {
    const int64_t n = c[p * G];
    for (int64_t g = 1; g < G; ++g)
      if (c[p * G + g] != n)
        throw std::invalid_argument(std::string(what) + ": rows of group " + std::to_string(p) +
                                    " have different placeholder counts (" + std::to_string(n) + " vs " +
                                    std::to_string(c[p * G + g]) + ")");
    if (off + n > feats.size(0))
      throw std::invalid_argument(std::string(what) + ": the prompts' placeholders need more feature rows than the " +
                                  std::to_string(feats.size(0)) + " the grids give");
    at::Tensor blk = feats.narrow(0, off, n);
    for (int64_t g = 0; g < G; ++g) parts.push_back(blk);
    off += n;
  }
  if (off != feats.size(0))
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(feats.size(0)) + " feature rows but the prompts use " + std::to_string(off));
  return parts.empty() ? feats.narrow(0, 0, 0) : at::cat(parts, 0);
}

}  // namespace

at::Tensor QwenModel::Embed(const QwenInputs& in) const {
  CheckLoaded();
  RestScope rest(sharding_.get());
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
  const int64_t G = in.group_size;
  if (G < 1) throw std::invalid_argument("group_size must be >= 1");
  auto grouped = [&](at::Tensor f, int64_t token, const char* what) {
    return G == 1 ? f : ExpandGroups(f, ids, token, G, what);
  };
  if (has_img)
    emb = ScatterFeatures(emb, ids, config_.image_token_id,
                          grouped(VisionFeatures(in.pixel_values, in.image_grid_thw), config_.image_token_id, "images"),
                          "images");
  else if ((ids == config_.image_token_id).any().item<bool>())
    throw std::invalid_argument("images: input_ids contain image placeholder tokens but no pixel_values were given");
  if (has_vid)
    emb = ScatterFeatures(emb, ids, config_.video_token_id,
                          grouped(VisionFeatures(in.pixel_values_videos, in.video_grid_thw), config_.video_token_id,
                                  "videos"),
                          "videos");
  else if ((ids == config_.video_token_id).any().item<bool>())
    throw std::invalid_argument("videos: input_ids contain video placeholder tokens but no pixel_values_videos");
  return emb;
}

at::Tensor QwenModel::Hidden(const QwenInputs& in, SpgMode mode) const {
  RestScope rest(sharding_.get());
  at::Tensor emb = Embed(in);
  const int64_t B = emb.size(0), L = emb.size(1);
  at::Tensor pos = in.position_ids.defined() ? in.position_ids.to(device_) : Rope(in, mode).position_ids.to(device_);
  at::Tensor mask = in.attention_mask.defined() ? in.attention_mask.to(device_)
                                                : at::ones({B, L}, at::TensorOptions().dtype(at::kLong).device(device_));
  return DecoderForward(weights_.text, config_.text, emb, pos, mask, nullptr, checkpoint_, sharding_.get());
}

at::Tensor QwenModel::Forward(const QwenInputs& in, SpgMode mode) const {
  RestScope rest(sharding_.get());
  return at::linear(Hidden(in, mode), weights_.text.lm_head);
}

}  // namespace rarft::qwen
