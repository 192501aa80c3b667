#include "qwen/weights.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include "io/safetensors.h"
#include "util/exclusive_temp.h"
#include "util/json.h"

namespace rarft::qwen {
namespace fs = std::filesystem;
namespace {

std::string ShapeStr(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

bool StartsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

}  // namespace

std::string CanonicalName(const std::string& name) {
  if (StartsWith(name, "model.language_model.")) return "model." + name.substr(21);
  if (StartsWith(name, "model.visual.")) return "visual." + name.substr(13);
  return name;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> ExpectedParameters(const QwenConfig& c) {
  const VisionConfig& v = c.vision;
  const TextConfig& t = c.text;
  std::vector<std::pair<std::string, std::vector<int64_t>>> e;
  const int64_t D = v.hidden_size, I = v.intermediate_size;
  e.push_back({"visual.patch_embed.proj.weight", {D, v.in_chans, v.temporal_patch_size, v.patch_size, v.patch_size}});
  for (int64_t i = 0; i < v.depth; ++i) {
    const std::string p = "visual.blocks." + std::to_string(i) + ".";
    e.push_back({p + "norm1.weight", {D}});
    e.push_back({p + "norm2.weight", {D}});
    e.push_back({p + "attn.qkv.weight", {3 * D, D}});
    e.push_back({p + "attn.qkv.bias", {3 * D}});
    e.push_back({p + "attn.proj.weight", {D, D}});
    e.push_back({p + "attn.proj.bias", {D}});
    e.push_back({p + "mlp.gate_proj.weight", {I, D}});
    e.push_back({p + "mlp.gate_proj.bias", {I}});
    e.push_back({p + "mlp.up_proj.weight", {I, D}});
    e.push_back({p + "mlp.up_proj.bias", {I}});
    e.push_back({p + "mlp.down_proj.weight", {D, I}});
    e.push_back({p + "mlp.down_proj.bias", {D}});
  }
  const int64_t M = D * v.merge_unit();
  e.push_back({"visual.merger.ln_q.weight", {D}});
  e.push_back({"visual.merger.mlp.0.weight", {M, M}});
  e.push_back({"visual.merger.mlp.0.bias", {M}});
  e.push_back({"visual.merger.mlp.2.weight", {v.out_hidden_size, M}});
  e.push_back({"visual.merger.mlp.2.bias", {v.out_hidden_size}});
  const int64_t d = t.hidden_size, hd = t.head_dim(), nq = t.num_attention_heads * hd,
                nkv = t.num_key_value_heads * hd, It = t.intermediate_size;
  e.push_back({"model.embed_tokens.weight", {t.vocab_size, d}});
  for (int64_t i = 0; i < t.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    e.push_back({p + "input_layernorm.weight", {d}});
    e.push_back({p + "self_attn.q_proj.weight", {nq, d}});
    e.push_back({p + "self_attn.q_proj.bias", {nq}});
    e.push_back({p + "self_attn.k_proj.weight", {nkv, d}});
    e.push_back({p + "self_attn.k_proj.bias", {nkv}});
    e.push_back({p + "self_attn.v_proj.weight", {nkv, d}});
    e.push_back({p + "self_attn.v_proj.bias", {nkv}});
    e.push_back({p + "self_attn.o_proj.weight", {d, nq}});
    e.push_back({p + "post_attention_layernorm.weight", {d}});
    e.push_back({p + "mlp.gate_proj.weight", {It, d}});
    e.push_back({p + "mlp.up_proj.weight", {It, d}});
    e.push_back({p + "mlp.down_proj.weight", {d, It}});
  }
  e.push_back({"model.norm.weight", {d}});
  if (!t.tie_word_embeddings) e.push_back({"lm_head.weight", {t.vocab_size, d}});
  return e;
}

QwenWeights BindWeights(const QwenConfig& c, std::vector<std::pair<std::string, at::Tensor>> named) {
  std::map<std::string, at::Tensor> by;
  for (auto& [n, t] : named) by[n] = t;
  auto get = [&](const std::string& n) -> at::Tensor {
    auto it = by.find(n);
    if (it == by.end()) throw std::invalid_argument("qwen weights: missing tensor '" + n + "'");
    return it->second;
  };
  QwenWeights w;
  w.vision.patch_w = get("visual.patch_embed.proj.weight");
  for (int64_t i = 0; i < c.vision.depth; ++i) {
    const std::string p = "visual.blocks." + std::to_string(i) + ".";
    w.vision.blocks.push_back({get(p + "norm1.weight"), get(p + "norm2.weight"), get(p + "attn.qkv.weight"),
                               get(p + "attn.qkv.bias"), get(p + "attn.proj.weight"), get(p + "attn.proj.bias"),
                               get(p + "mlp.gate_proj.weight"), get(p + "mlp.gate_proj.bias"),
                               get(p + "mlp.up_proj.weight"), get(p + "mlp.up_proj.bias"),
                               get(p + "mlp.down_proj.weight"), get(p + "mlp.down_proj.bias")});
  }
  w.vision.ln_q = get("visual.merger.ln_q.weight");
  w.vision.mlp0_w = get("visual.merger.mlp.0.weight");
  w.vision.mlp0_b = get("visual.merger.mlp.0.bias");
  w.vision.mlp2_w = get("visual.merger.mlp.2.weight");
  w.vision.mlp2_b = get("visual.merger.mlp.2.bias");
  w.text.embed = get("model.embed_tokens.weight");
  for (int64_t i = 0; i < c.text.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    w.text.layers.push_back({get(p + "input_layernorm.weight"), get(p + "self_attn.q_proj.weight"),
                             get(p + "self_attn.q_proj.bias"), get(p + "self_attn.k_proj.weight"),
                             get(p + "self_attn.k_proj.bias"), get(p + "self_attn.v_proj.weight"),
                             get(p + "self_attn.v_proj.bias"), get(p + "self_attn.o_proj.weight"),
                             get(p + "post_attention_layernorm.weight"), get(p + "mlp.gate_proj.weight"),
                             get(p + "mlp.up_proj.weight"), get(p + "mlp.down_proj.weight")});
  }
  w.text.norm = get("model.norm.weight");
  w.text.lm_head = c.text.tie_word_embeddings ? w.text.embed : get("lm_head.weight");
  w.named = std::move(named);
  return w;
}

namespace {

// The shard file names of model.safetensors.index.json's weight_map. Every failure names the index file; a shard
// must be a plain file name beside the index (a path could point the loader at any file on the machine).
std::set<std::string> ShardNamesFromIndex(const std::string& index) {
  std::ifstream f(index, std::ios::binary);
  if (!f) throw std::invalid_argument("qwen load: cannot open " + index);
  std::stringstream ss;
  ss << f.rdbuf();
  std::set<std::string> uniq;
  try {
    const util::Json j = util::Json::Parse(ss.str());
    if (!j.IsObject()) throw std::runtime_error("expected a JSON object");
    for (auto& [name, file] : j["weight_map"].AsObject()) {
      const std::string& shard = file.AsString();
      if (shard.empty() || shard == "." || shard == ".." || shard.find('/') != std::string::npos)
        throw std::runtime_error("weight_map['" + name + "'] = '" + shard + "' is not a file name beside the index");
      uniq.insert(shard);
    }
  } catch (const std::exception& e) {
    throw std::invalid_argument("qwen load: " + index + ": " + e.what());
  }
  if (uniq.empty()) throw std::invalid_argument("qwen load: " + index + ": weight_map is empty");
  return uniq;
}

}  // namespace

QwenWeights LoadWeights(const std::string& dir, const QwenConfig& c, at::ScalarType dtype, const at::Device& device,
                        bool lazy) {
  // Which files hold the tensors: the index's weight_map when sharded, else the single file.
  std::vector<std::string> files;
  const fs::path index = fs::path(dir) / "model.safetensors.index.json";
  if (fs::exists(index)) {
    for (auto& f2 : ShardNamesFromIndex(index.string())) files.push_back((fs::path(dir) / f2).string());
  } else {
    const fs::path single = fs::path(dir) / "model.safetensors";
    if (!fs::exists(single))
      throw std::invalid_argument("qwen load: neither model.safetensors nor model.safetensors.index.json in " + dir);
    files.push_back(single.string());
  }
  struct Src {
    std::shared_ptr<io::SafetensorsFile> file;
    std::string name;
  };
  std::map<std::string, Src> found;
  std::vector<std::shared_ptr<io::SafetensorsFile>> opened;
  for (const auto& path : files) {
    auto f = io::SafetensorsFile::Open(path);
    opened.push_back(f);
    for (const auto& n : f->Names()) {
      std::string canon = CanonicalName(n);
      if (found.count(canon))
        throw std::invalid_argument("qwen load: tensor '" + canon + "' appears twice (" + found[canon].file->path() +
                                    " as '" + found[canon].name + "', " + path + " as '" + n + "')");
      found[canon] = {f, n};
    }
  }
  auto expected = ExpectedParameters(c);
  std::set<std::string> known;
  for (auto& [n, s] : expected) known.insert(n);
  if (c.text.tie_word_embeddings) known.insert("lm_head.weight");  // tied checkpoints may still carry a copy
  for (auto& [n, src] : found)
    if (!known.count(n))
      throw std::invalid_argument("qwen load: unexpected tensor '" + src.name + "' in " + src.file->path() +
                                  " (not a Qwen2.5-VL parameter for this config)");
  const auto opts = at::TensorOptions().dtype(dtype).device(device);
  std::vector<std::pair<std::string, at::Tensor>> named;
  for (auto& [n, shape] : expected) {
    auto it = found.find(n);
    if (it == found.end())
      throw std::invalid_argument("qwen load: missing tensor '" + n + "' (expected shape " + ShapeStr(shape) +
                                  ") in " + dir);
    const io::TensorInfo& info = it->second.file->Info(it->second.name);
    if (info.shape != shape)
      throw std::invalid_argument("qwen load: tensor '" + it->second.name + "' in " + it->second.file->path() +
                                  ": expected shape " + ShapeStr(shape) + ", found " + ShapeStr(info.shape));
    if (lazy) {  // a view of the mapping: sharding copies this rank's slice out of it (see the header)
      named.emplace_back(n, it->second.file->Get(it->second.name));
      continue;
    }
    // copy=true: never keep views of the read-only mapping as trainable parameters.
    at::Tensor t = it->second.file->Get(it->second.name).to(opts, /*non_blocking=*/false, /*copy=*/true);
    named.emplace_back(n, t.contiguous());
  }
  return BindWeights(c, std::move(named));
}

void SaveCheckpoint(const std::string& dir, const QwenConfig& c, const QwenWeights& w) {
  fs::create_directories(dir);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (auto& [n, t] : w.named) out.emplace_back(n, t.detach());
  io::SaveSafetensors((fs::path(dir) / "model.safetensors").string(), out, {{"format", "pt"}});
  SaveConfig(dir, c);
}

void SaveConfig(const std::string& dir, const QwenConfig& c) {
  fs::create_directories(dir);
  const fs::path cfg = fs::path(dir) / "config.json";
  // written beside config.json under a fresh, exclusively created name, then renamed over it
  const util::ExclusiveTemp tmp = util::CreateExclusiveTemp(cfg.string());
  const std::string& text = c.raw_json;
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(tmp.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool closed = ::close(tmp.fd) == 0;
  if (done != text.size() || !closed || ::rename(tmp.path.c_str(), cfg.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.path.c_str());
    throw std::runtime_error("qwen save: cannot write " + cfg.string() + ": " + std::strerror(err));
  }
}

}  // namespace rarft::qwen
