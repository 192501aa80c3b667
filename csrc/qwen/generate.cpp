#include "qwen/generate.h"

#include <ATen/CPUGeneratorImpl.h>
#ifdef RARFT_HAVE_CUDA
#include <ATen/cuda/CUDAGeneratorImpl.h>
#endif

#include <random>
#include <stdexcept>

namespace rarft::qwen {
namespace {

// Applies top-k then top-p (nucleus) filtering to fp32 logits [B, V] by setting removed entries to -inf.
at::Tensor FilterLogits(at::Tensor z, int64_t top_k, double top_p) {
  const int64_t V = z.size(-1);
  if (top_k > 0 && top_k < V) {
    at::Tensor kth = std::get<0>(z.topk(top_k, -1)).narrow(-1, top_k - 1, 1);
    z = z.masked_fill(z < kth, -INFINITY);
  }
  if (top_p < 1.0) {
    auto [sorted, idx] = z.sort(-1, /*descending=*/true);
    at::Tensor cum = at::softmax(sorted, -1).cumsum(-1);
    // Remove a token when the mass before it already reaches top_p (the top token always stays).
    at::Tensor remove = (cum - at::softmax(sorted, -1)) >= top_p;
    z = z.masked_fill(at::zeros_like(remove).scatter(-1, idx, remove), -INFINITY);
  }
  return z;
}

// A generator on `dev` seeded with `seed`: sampling then runs where the probabilities are, with no per-token copy of
// [rows, vocab] to the host.
at::Generator SamplingGenerator(const at::Device& dev, uint64_t seed) {
#ifdef RARFT_HAVE_CUDA
  if (dev.is_cuda()) {
    at::Generator g = at::make_generator<at::CUDAGeneratorImpl>(dev.has_index() ? dev.index() : c10::DeviceIndex(0));
    g.set_current_seed(seed);
    return g;
  }
#endif
  if (!dev.is_cpu()) throw std::invalid_argument("generate: sampling on " + dev.str() + " is not supported by this build");
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

int64_t RoundUp(int64_t n, int64_t m) { return m <= 1 ? n : (n + m - 1) / m * m; }

// ZeRO-3: the whole model is gathered once for the rollout and freed at the end, never per decode step (trl#3858).
struct AllBound {
  explicit AllBound(ModelSharding* s) : s_(s) {
    if (s_) s_->BindAll();
  }
  ~AllBound() {
    if (s_) s_->ReleaseEach();
  }
  ModelSharding* s_;
};

}  // namespace

GenerateResult Generate(const QwenModel& model, const QwenInputs& in, const GenerateOptions& opts) {
  at::NoGradGuard no_grad;
  AllBound bound(model.sharding());
  if (opts.max_new_tokens <= 0) throw std::invalid_argument("generate: max_new_tokens must be > 0");
  const at::Device dev = model.device();
  const QwenConfig& c = model.config();
  const QwenWeights& w = model.weights();
  at::Tensor emb = model.Embed(in);
  const int64_t B = emb.size(0), L = emb.size(1);
  at::Tensor mask = in.attention_mask.defined() ? in.attention_mask.to(dev).to(at::kLong)
                                                : at::ones({B, L}, at::TensorOptions().dtype(at::kLong).device(dev));
  // Left padding only: once a row has a real token, no padding may follow (spec §3.5).
  if (L > 1 && (mask.narrow(1, 1, L - 1) < mask.narrow(1, 0, L - 1)).any().item<bool>())
    throw std::invalid_argument("generate: attention_mask has padding after real tokens; batch prompts must be left padded");
  RopeIndex ri = model.Rope(in, opts.spg_mode);
  at::Tensor pos = in.position_ids.defined() ? in.position_ids.to(dev) : ri.position_ids.to(dev);
  at::Tensor deltas = ri.rope_deltas.to(dev);  // [B, 1]

  std::optional<at::Generator> gen;
  if (opts.temperature > 0) gen = SamplingGenerator(dev, opts.seed ? *opts.seed : std::random_device{}());
  const bool on_gpu = !dev.is_cpu();
  const int64_t bucket = opts.kv_bucket > 0 ? opts.kv_bucket : (on_gpu ? 256 : 1);
  const int64_t check_every = opts.stop_check_every > 0 ? opts.stop_check_every : (on_gpu ? 8 : 1);
  at::Tensor stop = at::tensor(opts.stop_ids.empty() ? std::vector<int64_t>{-1} : opts.stop_ids, at::kLong).to(dev);

  const bool penalize = opts.repetition_penalty != 1.0;
  if (penalize && !(opts.repetition_penalty > 0)) throw std::invalid_argument("generate: repetition_penalty must be > 0");
  at::Tensor seen;  // [rows, V] bool: tokens present in each row so far
  if (penalize) {
    seen = at::zeros({B, c.text.vocab_size}, at::TensorOptions().dtype(at::kBool).device(dev));
    seen.scatter_(1, in.input_ids.to(dev).to(at::kLong), true);
  }

  KvCache cache;
  at::Tensor h = DecoderForward(w.text, c.text, emb, pos, mask, &cache).select(1, L - 1);  // [B, d]
  const int64_t G = opts.num_return_sequences;
  if (G < 1) throw std::invalid_argument("generate: num_return_sequences must be >= 1");
  if (G > 1) {  // fork the prefilled prompt G ways
    cache.RepeatRows(G);
    h = h.repeat_interleave(G, 0);
    mask = mask.repeat_interleave(G, 0);
    deltas = deltas.repeat_interleave(G, 0);
    if (penalize) seen = seen.repeat_interleave(G, 0);
  }
  const int64_t R = B * G;
  // fixed decode shapes: KV buffers and key mask of the bucketed capacity, written in place step by step
  const int64_t cap = RoundUp(L + opts.max_new_tokens, bucket);
  cache.Reserve(cap);
  cache.fixed_shape = true;
  at::Tensor key_mask = at::ones({R, cap}, mask.options());
  key_mask.narrow(1, 0, L).copy_(mask);
  at::Tensor done = at::zeros({R}, at::TensorOptions().dtype(at::kBool).device(dev));
  at::Tensor lengths = at::zeros({R}, at::TensorOptions().dtype(at::kLong).device(dev));
  std::vector<at::Tensor> toks, lps;
  for (int64_t step = 0; step < opts.max_new_tokens; ++step) {
    at::Tensor z = at::linear(h, w.text.lm_head).to(at::kFloat);  // [B, V]
    if (penalize) z = at::where(seen, at::where(z < 0, z * opts.repetition_penalty, z / opts.repetition_penalty), z);
    at::Tensor tok;
    at::Tensor lp_all;
    if (opts.temperature > 0) {
      z = z / opts.temperature;
      lp_all = at::log_softmax(z, -1);
      at::Tensor probs = at::softmax(FilterLogits(z, opts.top_k, opts.top_p), -1);
      tok = at::multinomial(probs, 1, false, gen).squeeze(-1);
    } else {
      lp_all = at::log_softmax(z, -1);
      tok = z.argmax(-1);
    }
    at::Tensor lp = lp_all.gather(-1, tok.unsqueeze(-1)).squeeze(-1);
    tok = at::where(done, at::full_like(tok, opts.pad_id), tok);
    lp = at::where(done, at::zeros_like(lp), lp);
    lengths = lengths + (~done).to(at::kLong);
    done = done | at::isin(tok, stop);
    if (penalize) seen.scatter_(1, tok.unsqueeze(1), true);
    toks.push_back(tok);
    lps.push_back(lp);
    if (step + 1 == opts.max_new_tokens) break;
    if ((step + 1) % check_every == 0 && done.all().item<bool>()) break;  // the only host sync of the loop
    // Decode step: the new token at cache index c0 gets position c0 + rope_deltas on all three rows. The key mask
    // already covers it (ones past the prompt; the causal mask hides positions not written yet).
    const int64_t c0 = cache.length();
    at::Tensor p = (deltas + c0).view({1, R, 1}).expand({3, R, 1}).contiguous();
    at::Tensor e = at::embedding(w.text.embed, tok.view({R, 1}));
    h = DecoderForward(w.text, c.text, e, p, key_mask, &cache).select(1, 0);
  }
  GenerateResult r;
  r.lengths = lengths;
  // Steps run past the last stop (between two checks) only added padding: keep the steps a per-step check would
  // have taken, i.e. up to the longest row (a row that never stopped has max_new_tokens).
  int64_t steps = static_cast<int64_t>(toks.size());
  if (check_every > 1) steps = std::min(steps, std::max<int64_t>(1, lengths.max().item<int64_t>()));
  toks.resize(steps);
  lps.resize(steps);
  r.tokens = at::stack(toks, 1);
  r.logprobs = at::stack(lps, 1);
  return r;
}

}  // namespace rarft::qwen
