#include "qwen/config.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/json.h"

namespace rarft::qwen {
namespace {

using util::Json;

// Looks a field up in the first object that has it (nested text_config first, then the top level), so both the
// flat original layout and HF 5.x's nested one are read the same way.
const Json* FindIn(const std::vector<const Json*>& scopes, const std::string& key) {
  for (const Json* s : scopes)
    if (s && s->IsObject())
      if (const Json* v = s->Find(key); v && !v->IsNull()) return v;
  return nullptr;
}

struct Reader {
  std::string origin;
  int64_t Int(const std::vector<const Json*>& scopes, const std::string& key, const std::string& where) const {
    const Json* v = FindIn(scopes, key);
    if (!v) throw std::invalid_argument(origin + ": missing " + where + key);
    if (!v->IsNumber()) throw std::invalid_argument(origin + ": " + where + key + " must be a number");
    return v->AsInt();
  }
  int64_t IntOr(const std::vector<const Json*>& scopes, const std::string& key, int64_t dflt) const {
    const Json* v = FindIn(scopes, key);
    if (!v) return dflt;
    if (!v->IsNumber()) throw std::invalid_argument(origin + ": " + key + " must be a number");
    return v->AsInt();
  }
  double Num(const std::vector<const Json*>& scopes, const std::string& key, double dflt, bool required) const {
    const Json* v = FindIn(scopes, key);
    if (!v) {
      if (required) throw std::invalid_argument(origin + ": missing " + key);
      return dflt;
    }
    if (!v->IsNumber()) throw std::invalid_argument(origin + ": " + key + " must be a number");
    return v->AsNumber();
  }
  std::vector<int64_t> Ints(const Json& v, const std::string& key) const {
    if (!v.IsArray()) throw std::invalid_argument(origin + ": " + key + " must be an array of integers");
    std::vector<int64_t> out;
    for (const Json& e : v.AsArray()) out.push_back(e.AsInt());
    return out;
  }
};

}  // namespace

QwenConfig QwenConfig::FromJson(const std::string& text, const std::string& origin) {
  Json root = Json::Parse(text);
  if (!root.IsObject()) throw std::invalid_argument(origin + ": config is not a JSON object");
  Reader r{origin};
  QwenConfig c;
  c.raw_json = text;
  const Json* tc = root.Find("text_config");
  std::vector<const Json*> ts{tc, &root};
  TextConfig& t = c.text;
  t.vocab_size = r.Int(ts, "vocab_size", "");
  t.hidden_size = r.Int(ts, "hidden_size", "");
  t.intermediate_size = r.Int(ts, "intermediate_size", "");
  t.num_hidden_layers = r.Int(ts, "num_hidden_layers", "");
  t.num_attention_heads = r.Int(ts, "num_attention_heads", "");
  t.num_key_value_heads = r.IntOr(ts, "num_key_value_heads", t.num_attention_heads);
  t.rms_norm_eps = r.Num(ts, "rms_norm_eps", 1e-6, false);
  // rope: `rope_parameters` (5.x) or `rope_scaling` (<= 4.57; rope_theta then sits beside it).
  const Json* rope = FindIn(ts, "rope_parameters");
  if (!rope) rope = FindIn(ts, "rope_scaling");
  if (!rope || !rope->IsObject() || !rope->Find("mrope_section"))
    throw std::invalid_argument(origin + ": missing rope_scaling.mrope_section (or rope_parameters.mrope_section)");
  t.mrope_section = r.Ints((*rope)["mrope_section"], "mrope_section");
  if (const Json* th = rope->Find("rope_theta"); th && th->IsNumber())
    t.rope_theta = th->AsNumber();
  else
    t.rope_theta = r.Num(ts, "rope_theta", 1e6, true);
  // tie_word_embeddings lives at the top level in both layouts; the top-level value wins (HF reads it there).
  if (const Json* tie = root.Find("tie_word_embeddings"); tie && tie->IsBool())
    t.tie_word_embeddings = tie->AsBool();
  else if (const Json* tie2 = FindIn(ts, "tie_word_embeddings"); tie2 && tie2->IsBool())
    t.tie_word_embeddings = tie2->AsBool();
  else
    t.tie_word_embeddings = false;
  if (const Json* sw = FindIn(ts, "use_sliding_window"); sw && sw->IsBool() && sw->AsBool())
    throw std::invalid_argument(origin + ": use_sliding_window=true is not supported (Qwen2.5-VL ships false)");

  std::vector<const Json*> top{&root, tc};
  c.image_token_id = r.IntOr(top, "image_token_id", c.image_token_id);
  c.video_token_id = r.IntOr(top, "video_token_id", c.video_token_id);
  c.vision_start_token_id = r.IntOr(top, "vision_start_token_id", c.vision_start_token_id);
  c.vision_end_token_id = r.IntOr(top, "vision_end_token_id", c.vision_end_token_id);

  const Json* vc = root.Find("vision_config");
  if (!vc || !vc->IsObject()) throw std::invalid_argument(origin + ": missing vision_config");
  std::vector<const Json*> vs{vc};
  VisionConfig& v = c.vision;
  v.depth = r.Int(vs, "depth", "vision_config.");
  v.hidden_size = r.Int(vs, "hidden_size", "vision_config.");
  v.intermediate_size = r.Int(vs, "intermediate_size", "vision_config.");
  v.num_heads = r.Int(vs, "num_heads", "vision_config.");
  v.out_hidden_size = r.Int(vs, "out_hidden_size", "vision_config.");
  v.in_chans = r.IntOr(vs, "in_chans", r.IntOr(vs, "in_channels", 3));
  v.patch_size = r.IntOr(vs, "patch_size", 14);
  v.temporal_patch_size = r.IntOr(vs, "temporal_patch_size", 2);
  v.spatial_merge_size = r.IntOr(vs, "spatial_merge_size", 2);
  v.window_size = r.IntOr(vs, "window_size", 112);
  // HF's class default is 4 but every released checkpoint says 2: a config without it is ambiguous, so refuse it.
  v.tokens_per_second = r.Num(vs, "tokens_per_second", 0, true);
  if (const Json* fa = vc->Find("fullatt_block_indexes"))
    v.fullatt_block_indexes = r.Ints(*fa, "vision_config.fullatt_block_indexes");

  // Sizes are bounded before anything is derived from them: a count like num_hidden_layers = 1e11 would otherwise
  // build an expected-tensor list without end, and a zero head count divides by zero below. The bounds are far above
  // any Qwen2.5-VL (72B: 80 layers, hidden 8192, intermediate 29568, vocab 152064).
  const auto bounded = [&](const char* name, int64_t value, int64_t hi) {
    if (value < 1 || value > hi)
      throw std::invalid_argument(origin + ": " + name + " = " + std::to_string(value) + " is outside [1, " + std::to_string(hi) + "]");
  };
  bounded("vocab_size", t.vocab_size, int64_t{1} << 24);
  bounded("hidden_size", t.hidden_size, int64_t{1} << 17);
  bounded("intermediate_size", t.intermediate_size, int64_t{1} << 20);
  bounded("num_hidden_layers", t.num_hidden_layers, 1024);
  bounded("num_attention_heads", t.num_attention_heads, 1024);
  bounded("num_key_value_heads", t.num_key_value_heads, 1024);
  bounded("vision_config.depth", v.depth, 1024);
  bounded("vision_config.hidden_size", v.hidden_size, int64_t{1} << 17);
  bounded("vision_config.intermediate_size", v.intermediate_size, int64_t{1} << 20);
  bounded("vision_config.num_heads", v.num_heads, 1024);
  bounded("vision_config.out_hidden_size", v.out_hidden_size, int64_t{1} << 17);
  bounded("vision_config.in_chans", v.in_chans, 64);
  bounded("vision_config.patch_size", v.patch_size, 1024);
  bounded("vision_config.temporal_patch_size", v.temporal_patch_size, 64);
  bounded("vision_config.spatial_merge_size", v.spatial_merge_size, 64);
  bounded("vision_config.window_size", v.window_size, int64_t{1} << 16);

  // Legality (spec §8.1).
  int64_t sum = 0;
  for (int64_t s : t.mrope_section) sum += s;
  if (t.mrope_section.size() != 3 || 2 * sum != t.head_dim())
    throw std::invalid_argument(origin + ": mrope_section must have 3 entries summing to head_dim/2 = " +
                                std::to_string(t.head_dim() / 2) + ", found sum " + std::to_string(sum));
  if (t.hidden_size % t.num_attention_heads || t.num_attention_heads % t.num_key_value_heads)
    throw std::invalid_argument(origin + ": hidden_size/num_attention_heads/num_key_value_heads are inconsistent");
  if (v.hidden_size % v.num_heads || v.head_dim() % 4)
    throw std::invalid_argument(origin + ": vision head_dim must be an integer divisible by 4");
  if (v.window_size % (v.patch_size * v.spatial_merge_size))
    throw std::invalid_argument(origin + ": vision window_size must be a multiple of patch_size*spatial_merge_size");
  if (v.out_hidden_size != t.hidden_size)
    throw std::invalid_argument(origin + ": vision_config.out_hidden_size " + std::to_string(v.out_hidden_size) +
                                " != hidden_size " + std::to_string(t.hidden_size));
  return c;
}

QwenConfig QwenConfig::FromFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument("cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  try {
    return FromJson(ss.str(), path);
  } catch (const std::exception& e) {
    // the reader's own messages start with the path; a JSON syntax or type error does not
    const std::string what = e.what();
    if (what.rfind(path + ":", 0) == 0) throw;
    throw std::invalid_argument(path + ": " + what);
  }
}

}  // namespace rarft::qwen
