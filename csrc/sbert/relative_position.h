// MPNet's relative-position attention bias (transformers' MPNetEncoder.compute_position_bias): the signed distance
// key - query is mapped to one of `num_buckets` buckets (half per direction; exact up to num_buckets/4, then
// log-spaced up to max_distance 128), and each bucket has a learned bias per head. Reproduced op for op, including
// the float log and the truncating cast, so bucket boundaries match the reference exactly.
#pragma once
#include <ATen/ATen.h>

#include <cmath>

namespace rarft::sbert {

inline at::Tensor RelativePositionBucket(const at::Tensor& relative_position, int64_t num_buckets,
                                         int64_t max_distance = 128) {
  at::Tensor n = -relative_position;
  num_buckets /= 2;
  at::Tensor ret = n.lt(0).to(at::kLong) * num_buckets;
  n = n.abs();
  const int64_t max_exact = num_buckets / 2;
  at::Tensor is_small = n.lt(max_exact);
  at::Tensor large = max_exact + (at::log(n.to(at::kFloat) / static_cast<double>(max_exact)) /
                                  std::log(static_cast<double>(max_distance) / static_cast<double>(max_exact)) *
                                  static_cast<double>(num_buckets - max_exact))
                                     .to(at::kLong);
  large = at::minimum(large, at::full_like(large, num_buckets - 1));
  return ret + at::where(is_small, n, large);
}

// bias_weight [num_buckets, heads] -> [1, heads, L, L] additive attention bias over column positions.
inline at::Tensor RelativePositionBias(const at::Tensor& bias_weight, int64_t L) {
  at::Tensor pos = at::arange(L, bias_weight.options().dtype(at::kLong));
  at::Tensor bucket = RelativePositionBucket(pos.unsqueeze(0) - pos.unsqueeze(1), bias_weight.size(0));
  return bias_weight.index_select(0, bucket.reshape({-1})).view({L, L, -1}).permute({2, 0, 1}).unsqueeze(0);
}

}  // namespace rarft::sbert
