// Sentence pooling exactly as sentence_transformers.models.Pooling computes it, then the optional Normalize module.
// Kept apart from the encoder because it is the part that differs between sentence-transformers models.
#pragma once
#include <ATen/ATen.h>

#include "sbert/bert_config.h"

namespace rarft::sbert {

// tokens [B, L, H] float, mask [B, L] (1 = real token) -> [B, H]
inline at::Tensor Pool(const at::Tensor& tokens, const at::Tensor& mask, Pooling mode) {
  at::Tensor m = mask.to(tokens.scalar_type()).unsqueeze(-1);  // [B, L, 1]
  switch (mode) {
    case Pooling::kCls:
      return tokens.select(1, 0);
    case Pooling::kMax: {
      // Padding is set to -1e9 before the max, as sentence-transformers does.
      at::Tensor filled = tokens.masked_fill(m.eq(0).expand_as(tokens), -1e9);
      return std::get<0>(filled.max(1));
    }
    case Pooling::kMean:
    case Pooling::kMeanSqrtLen: {
      at::Tensor sum = (tokens * m).sum(1);
      at::Tensor count = m.sum(1).clamp_min(1e-9);  // the reference clamps, so an all-padding row gives 0, not NaN
      return mode == Pooling::kMean ? sum / count : sum / count.sqrt();
    }
  }
  throw std::invalid_argument("unknown pooling mode");
}

// torch.nn.functional.normalize(p=2, dim=1, eps=1e-12), the Normalize module.
inline at::Tensor L2Normalize(const at::Tensor& x) {
  return x / x.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
}

}  // namespace rarft::sbert
