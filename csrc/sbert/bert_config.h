// Shape and head configuration of a sentence-transformers encoder (BERT or MPNet). The TypeScript loader reads config.json,
// 1_Pooling/config.json and modules.json (validated with zod) and passes the numbers here, so the native side never
// parses JSON and the two sides cannot disagree on defaults.
#pragma once
#include <cstdint>
#include <string>

namespace rarft::sbert {

// sentence_transformers.models.Pooling modes; exactly one is used (the reference models set one flag).
enum class Pooling { kMean, kCls, kMax, kMeanSqrtLen };

// The two encoder families sentence-transformers' reference models use. They share the post-LN layer; they differ
// in embeddings and attention bias:
//   kBert  (all-MiniLM-L6-v2): absolute positions 0..L-1 plus a token-type embedding;
//   kMpnet (all-mpnet-base-v2): positions counted from pad_token_id + 1 over non-pad ids, no token types, and a
//          bucketed relative-position bias (T5-style, bidirectional) added to every layer's attention scores.
enum class Arch { kBert, kMpnet };

struct BertConfig {
  Arch arch = Arch::kBert;
  int64_t hidden_size = 0;
  int64_t num_layers = 0;
  int64_t num_heads = 0;
  int64_t intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  int64_t type_vocab_size = 0;               // kBert only (0 for kMpnet)
  int64_t pad_token_id = 0;                  // kMpnet: position ids start after it
  int64_t relative_attention_num_buckets = 0;  // kMpnet only
  int64_t vocab_size = 0;
  double layer_norm_eps = 1e-12;
  Pooling pooling = Pooling::kMean;
  bool normalize = true;  // modules.json lists sentence_transformers.models.Normalize
};

// Throws std::invalid_argument naming the first field that cannot describe a BERT encoder.
void Validate(const BertConfig& c);

Pooling PoolingFromName(const std::string& name);  // "mean" | "cls" | "max" | "mean_sqrt_len"
Arch ArchFromName(const std::string& name);        // "bert" | "mpnet"

}  // namespace rarft::sbert
