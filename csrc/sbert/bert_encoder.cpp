// BERT / MPNet forward pass in plain ATen ops, mirroring transformers' BertModel / MPNetModel (eval mode) followed by
// sentence-transformers' Pooling and Normalize modules. Parity with the Python reference is tested in
// test/sbert/parity.test.ts against fixtures made by scripts/fixtures/make_sbert_fixtures.py.
#include "sbert/bert_encoder.h"

#include <ATen/core/grad_mode.h>

#include <limits>
#include <sstream>
#include <stdexcept>

#include "sbert/pooling.h"
#include "sbert/relative_position.h"

namespace rarft::sbert {

void Validate(const BertConfig& c) {
  auto need = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("sbert config: ") + what);
  };
  need(c.hidden_size > 0, "hidden_size must be > 0");
  need(c.num_layers > 0, "num_hidden_layers must be > 0");
  need(c.num_heads > 0 && c.hidden_size % c.num_heads == 0, "num_attention_heads must divide hidden_size");
  need(c.intermediate_size > 0, "intermediate_size must be > 0");
  need(c.max_position_embeddings > 0, "max_position_embeddings must be > 0");
  need(c.arch != Arch::kBert || c.type_vocab_size > 0, "type_vocab_size must be > 0 for BERT");
  need(c.arch != Arch::kMpnet || c.relative_attention_num_buckets >= 4,
       "relative_attention_num_buckets must be >= 4 for MPNet");
  need(c.pad_token_id >= 0 && c.pad_token_id < c.vocab_size, "pad_token_id must be a vocabulary id");
  need(c.vocab_size > 0, "vocab_size must be > 0");
  need(c.layer_norm_eps > 0, "layer_norm_eps must be > 0");
}

Pooling PoolingFromName(const std::string& name) {
  if (name == "mean") return Pooling::kMean;
  if (name == "cls") return Pooling::kCls;
  if (name == "max") return Pooling::kMax;
  if (name == "mean_sqrt_len") return Pooling::kMeanSqrtLen;
  throw std::invalid_argument("sbert config: unknown pooling mode '" + name + "' (mean | cls | max | mean_sqrt_len)");
}

Arch ArchFromName(const std::string& name) {
  if (name == "bert") return Arch::kBert;
  if (name == "mpnet") return Arch::kMpnet;
  throw std::invalid_argument("sbert config: unknown architecture '" + name + "' (bert | mpnet)");
}

namespace {

// Fetches a weight under its HF name, accepting the "bert." prefix that BertForX checkpoints carry, checks its
// shape and copies it to the device as an owned fp32 tensor (the source may be an mmap that goes away).
class Loader {
 public:
  Loader(const BertEncoder::WeightLookup& lookup, at::Device device) : lookup_(lookup), device_(device) {}

  at::Tensor Get(const std::string& name, std::vector<int64_t> shape) const {
    at::Tensor t = lookup_(name);
    if (!t.defined()) t = lookup_("bert." + name);
    if (!t.defined()) t = lookup_("mpnet." + name);
    if (!t.defined()) throw std::invalid_argument("sbert weights: missing tensor '" + name + "'");
    if (t.sizes() != at::IntArrayRef(shape)) {
      std::ostringstream msg;
      msg << "sbert weights: '" << name << "' has shape " << t.sizes() << ", config implies " << at::IntArrayRef(shape);
      throw std::invalid_argument(msg.str());
    }
    return t.to(device_, at::kFloat, /*non_blocking=*/false, /*copy=*/true).contiguous();
  }

 private:
  const BertEncoder::WeightLookup& lookup_;
  at::Device device_;
};

at::Tensor LayerNorm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, double eps) {
  return at::layer_norm(x, {x.size(-1)}, w, b, eps);
}

}  // namespace

std::shared_ptr<BertEncoder> BertEncoder::FromWeights(const BertConfig& c, const WeightLookup& lookup,
                                                      const at::Device& device) {
  Validate(c);
  at::AutoGradMode no_grad(false);  // plain (not inference) tensors: results are used by ordinary TS ops
  std::shared_ptr<BertEncoder> enc(new BertEncoder(c, device));
  Loader l(lookup, device);
  const int64_t H = c.hidden_size, I = c.intermediate_size;
  const bool mpnet = c.arch == Arch::kMpnet;
  enc->word_emb_ = l.Get("embeddings.word_embeddings.weight", {c.vocab_size, H});
  enc->pos_emb_ = l.Get("embeddings.position_embeddings.weight", {c.max_position_embeddings, H});
  if (!mpnet) enc->type_emb_ = l.Get("embeddings.token_type_embeddings.weight", {c.type_vocab_size, H});
  enc->emb_ln_w_ = l.Get("embeddings.LayerNorm.weight", {H});
  enc->emb_ln_b_ = l.Get("embeddings.LayerNorm.bias", {H});
  if (mpnet) enc->rel_bias_ = l.Get("encoder.relative_attention_bias.weight", {c.relative_attention_num_buckets, c.num_heads});
  // Same layer, different names: BERT's attention.self.{query,key,value} + attention.output.{dense,LayerNorm} are
  // MPNet's attention.attn.{q,k,v,o} + attention.LayerNorm.
  const char* q = mpnet ? "attention.attn.q." : "attention.self.query.";
  const char* k = mpnet ? "attention.attn.k." : "attention.self.key.";
  const char* v = mpnet ? "attention.attn.v." : "attention.self.value.";
  const char* o = mpnet ? "attention.attn.o." : "attention.output.dense.";
  const char* ln = mpnet ? "attention.LayerNorm." : "attention.output.LayerNorm.";
  for (int64_t i = 0; i < c.num_layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    BertLayer L;
    L.qkv_w = at::cat({l.Get(p + q + "weight", {H, H}), l.Get(p + k + "weight", {H, H}), l.Get(p + v + "weight", {H, H})});
    L.qkv_b = at::cat({l.Get(p + q + "bias", {H}), l.Get(p + k + "bias", {H}), l.Get(p + v + "bias", {H})});
    L.attn_out_w = l.Get(p + o + "weight", {H, H});
    L.attn_out_b = l.Get(p + o + "bias", {H});
    L.attn_ln_w = l.Get(p + ln + "weight", {H});
    L.attn_ln_b = l.Get(p + ln + "bias", {H});
    L.ffn_in_w = l.Get(p + "intermediate.dense.weight", {I, H});
    L.ffn_in_b = l.Get(p + "intermediate.dense.bias", {I});
    L.ffn_out_w = l.Get(p + "output.dense.weight", {H, I});
    L.ffn_out_b = l.Get(p + "output.dense.bias", {H});
    L.ffn_ln_w = l.Get(p + "output.LayerNorm.weight", {H});
    L.ffn_ln_b = l.Get(p + "output.LayerNorm.bias", {H});
    enc->layers_.push_back(std::move(L));
  }
  return enc;
}

at::Tensor BertEncoder::Hidden(const at::Tensor& ids_in, const at::Tensor& mask_in) const {
  if (ids_in.dim() != 2 || mask_in.sizes() != ids_in.sizes())
    throw std::invalid_argument("sbert encode: ids and mask must both be [batch, length]");
  if (at::isFloatingType(ids_in.scalar_type())) throw std::invalid_argument("sbert encode: ids must be integers");
  const auto& c = config_;
  const int64_t B = ids_in.size(0), L = ids_in.size(1), H = c.hidden_size, nh = c.num_heads, hd = H / nh;
  if (L > c.max_position_embeddings)
    throw std::invalid_argument("sbert encode: length " + std::to_string(L) + " exceeds max_position_embeddings " +
                                std::to_string(c.max_position_embeddings) + " (truncate before encoding)");
  at::AutoGradMode no_grad(false);  // plain (not inference) tensors: results are used by ordinary TS ops
  at::Tensor ids = ids_in.to(device_, at::kLong);
  at::Tensor mask = mask_in.to(device_, at::kLong);
  if (B > 0) {
    // An out-of-range id would read outside the embedding table: reject it with a clear message instead.
    int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= c.vocab_size)
      throw std::invalid_argument("sbert encode: token id out of range [0, " + std::to_string(c.vocab_size) + ")");
  }

  // Unpadded ("packed") execution: every per-token op (embeddings, linears, LayerNorms, GELU: nearly all the FLOPs)
  // runs on the T real tokens only, [T, H]; only attention needs the [B, L] layout, so q/k/v are scattered into it
  // and the context is gathered back. Reward batches mix 5-token timestamps with 100-token explanations, so padding
  // would otherwise be most of the work. Positions stay the column index, as in BertModel.
  at::Tensor real = mask.reshape({-1}).ne(0).nonzero().squeeze(1);  // [T] flat indices of real tokens
  const bool padded = real.size(0) < B * L;
  at::Tensor tok_ids = padded ? ids.reshape({-1}).index_select(0, real) : ids.reshape({-1});
  const bool mpnet = c.arch == Arch::kMpnet;
  at::Tensor pos_ids;
  if (mpnet) {
    // create_position_ids_from_input_ids: non-pad ids count up from pad_token_id + 1; pad ids sit at pad_token_id.
    at::Tensor not_pad = ids.ne(c.pad_token_id).to(at::kLong);
    pos_ids = (not_pad.cumsum(1) * not_pad + c.pad_token_id).reshape({-1});
    if (padded) pos_ids = pos_ids.index_select(0, real);
  } else {
    pos_ids = padded ? real.remainder(L) : at::arange(L, real.options()).repeat({B});
  }
  if (L > 0 && pos_ids.numel() > 0 && pos_ids.max().item<int64_t>() >= c.max_position_embeddings)
    throw std::invalid_argument("sbert encode: sequence too long for max_position_embeddings " +
                                std::to_string(c.max_position_embeddings) + " (truncate before encoding)");

  // Embeddings: BERT adds token type 0 (single sentences, as sentence-transformers passes them); MPNet has none.
  at::Tensor x = word_emb_.index_select(0, tok_ids) + pos_emb_.index_select(0, pos_ids);
  if (!mpnet) x = x + type_emb_.select(0, 0);
  x = LayerNorm(x, emb_ln_w_, emb_ln_b_, c.layer_norm_eps);  // [T, H]

  // Keys that are padding are masked out for every query. Queries at padding positions see zero vectors and their
  // outputs are dropped by the gather. BERT: a boolean mask (true = may attend). MPNet: the relative-position bias
  // [1, heads, L, L] plus the additive mask (finfo.min at padding keys, as transformers builds it), shared by layers.
  at::Tensor attn_mask = mask.ne(0).view({B, 1, 1, L});
  if (mpnet) {
    at::Tensor additive = at::zeros({B, 1, 1, L}, x.options())
                              .masked_fill(attn_mask.logical_not(), std::numeric_limits<float>::lowest());
    attn_mask = RelativePositionBias(rel_bias_, L) + additive;  // [B, heads, L, L]
  }
  for (const BertLayer& layer : layers_) {
    at::Tensor qkv = at::linear(x, layer.qkv_w, layer.qkv_b);  // [T, 3H]
    if (padded) qkv = at::zeros({B * L, 3 * H}, qkv.options()).index_copy_(0, real, qkv);
    qkv = qkv.view({B, L, 3, nh, hd}).permute({2, 0, 3, 1, 4});
    at::Tensor ctx = at::scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask);
    ctx = ctx.transpose(1, 2).reshape({B * L, H});
    if (padded) ctx = ctx.index_select(0, real);
    x = LayerNorm(at::linear(ctx, layer.attn_out_w, layer.attn_out_b) + x, layer.attn_ln_w, layer.attn_ln_b,
                  c.layer_norm_eps);
    at::Tensor h = at::gelu(at::linear(x, layer.ffn_in_w, layer.ffn_in_b));  // exact (erf) GELU: hidden_act "gelu"
    x = LayerNorm(at::linear(h, layer.ffn_out_w, layer.ffn_out_b) + x, layer.ffn_ln_w, layer.ffn_ln_b,
                  c.layer_norm_eps);
  }
  // Back to [B, L, H]; padding positions are 0 (BertModel would return values there, which no pooling reads).
  if (padded) return at::zeros({B * L, H}, x.options()).index_copy_(0, real, x).view({B, L, H});
  return x.view({B, L, H});
}

at::Tensor BertEncoder::Encode(const at::Tensor& ids, const at::Tensor& mask) const {
  at::AutoGradMode no_grad(false);  // plain (not inference) tensors: results are used by ordinary TS ops
  at::Tensor pooled = Pool(Hidden(ids, mask), mask.to(device_), config_.pooling);
  return config_.normalize ? L2Normalize(pooled) : pooled;
}

int64_t BertEncoder::ParameterCount() const {
  int64_t n = word_emb_.numel() + pos_emb_.numel() + emb_ln_w_.numel() + emb_ln_b_.numel();
  for (const at::Tensor* t : {&type_emb_, &rel_bias_})
    if (t->defined()) n += t->numel();
  for (const BertLayer& l : layers_)
    for (const at::Tensor* t : {&l.qkv_w, &l.qkv_b, &l.attn_out_w, &l.attn_out_b, &l.attn_ln_w, &l.attn_ln_b,
                                &l.ffn_in_w, &l.ffn_in_b, &l.ffn_out_w, &l.ffn_out_b, &l.ffn_ln_w, &l.ffn_ln_b})
      n += t->numel();
  return n;
}

}  // namespace rarft::sbert
