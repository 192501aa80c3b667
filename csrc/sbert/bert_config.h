// Shape and head configuration of a sentence-transformers BERT model. The TypeScript loader reads config.json,
// 1_Pooling/config.json and modules.json (validated with zod) and passes the numbers here, so the native side never
// parses JSON and the two sides cannot disagree on defaults.
#pragma once
#include <cstdint>
#include <string>

namespace rarft::sbert {

// sentence_transformers.models.Pooling modes; exactly one is used (the reference models set one flag).
enum class Pooling { kMean, kCls, kMax, kMeanSqrtLen };

struct BertConfig {
  int64_t hidden_size = 0;
  int64_t num_layers = 0;
  int64_t num_heads = 0;
  int64_t intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  int64_t type_vocab_size = 0;
  int64_t vocab_size = 0;
  double layer_norm_eps = 1e-12;
  Pooling pooling = Pooling::kMean;
  bool normalize = true;  // modules.json lists sentence_transformers.models.Normalize
};

// Throws std::invalid_argument naming the first field that cannot describe a BERT encoder.
void Validate(const BertConfig& c);

Pooling PoolingFromName(const std::string& name);  // "mean" | "cls" | "max" | "mean_sqrt_len"

}  // namespace rarft::sbert
