// Qwen2.5-VL configuration (spec §1), parsed from an HF config.json. Accepts both layouts seen in the wild: text
// fields at the top level (original checkpoints, HF <= 4.57) or nested under `text_config` (HF 5.x save_pretrained),
// and `rope_scaling` (old) or `rope_parameters` (5.x) for mrope_section / rope_theta.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rarft::qwen {

struct VisionConfig {
  int64_t depth = 32, hidden_size = 1280, intermediate_size = 3420, num_heads = 16, out_hidden_size = 2048;
  int64_t in_chans = 3, patch_size = 14, temporal_patch_size = 2, spatial_merge_size = 2, window_size = 112;
  std::vector<int64_t> fullatt_block_indexes{7, 15, 23, 31};
  double tokens_per_second = 2;  // HF's class default is 4; always read from the file
  int64_t head_dim() const { return hidden_size / num_heads; }
  int64_t patch_dim() const { return in_chans * temporal_patch_size * patch_size * patch_size; }
  int64_t merge_unit() const { return spatial_merge_size * spatial_merge_size; }
};

struct TextConfig {
  int64_t vocab_size = 151936, hidden_size = 2048, intermediate_size = 11008, num_hidden_layers = 36;
  int64_t num_attention_heads = 16, num_key_value_heads = 2;
  double rope_theta = 1e6, rms_norm_eps = 1e-6;
  std::vector<int64_t> mrope_section{16, 24, 24};
  bool tie_word_embeddings = true;
  int64_t head_dim() const { return hidden_size / num_attention_heads; }
};

struct QwenConfig {
  TextConfig text;
  VisionConfig vision;
  int64_t image_token_id = 151655, video_token_id = 151656, vision_start_token_id = 151652;
  int64_t vision_end_token_id = 151653;
  std::string raw_json;  // the file's text, written back verbatim on save so transformers reads what it wrote

  // Throws std::invalid_argument naming the field for missing/ill-typed fields and illegal combinations
  // (sum(mrope_section) != head_dim/2, vision head_dim not divisible by 4, ...).
  static QwenConfig FromJson(const std::string& text, const std::string& origin);
  static QwenConfig FromFile(const std::string& path);
};

}  // namespace rarft::qwen
