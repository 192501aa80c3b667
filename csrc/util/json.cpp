#include "util/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rarft::util {
namespace {

const char* TypeName(Json::Type t) {
  switch (t) {
    case Json::Type::Null: return "null";
    case Json::Type::Bool: return "bool";
    case Json::Type::Number: return "number";
    case Json::Type::String: return "string";
    case Json::Type::Array: return "array";
    default: return "object";
  }
}

// Deeper documents are refused: the parser recurses once per level (on a libuv worker thread with a small stack),
// and no config, index or safetensors header nests beyond a handful of levels.
constexpr int kMaxDepth = 256;

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  Json ParseDocument() {
    Json v = ParseValue();
    SkipWs();
    if (i_ != s_.size()) Fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error("JSON parse error at byte " + std::to_string(i_) + ": " + what);
  }
  void SkipWs() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool Consume(const char* lit) {
    size_t n = std::char_traits<char>::length(lit);
    if (s_.compare(i_, n, lit) == 0) {
      i_ += n;
      return true;
    }
    return false;
  }
  Json ParseValue() {
    SkipWs();
    if (i_ >= s_.size()) Fail("unexpected end");
    char c = s_[i_];
    if (c == '{') return ParseObject();
    if (c == '[') return ParseArray();
    if (c == '"') return Json(ParseString());
    if (Consume("true")) return Json(true);
    if (Consume("false")) return Json(false);
    if (Consume("null")) return Json(nullptr);
    if (Consume("NaN")) return Json(std::nan(""));
    if (Consume("Infinity")) return Json(HUGE_VAL);
    if (Consume("-Infinity")) return Json(-HUGE_VAL);
    return Json(ParseNumber());
  }
  bool IsDigit(size_t k) const { return k < s_.size() && s_[k] >= '0' && s_[k] <= '9'; }
  // JSON's number grammar (-?int frac? exp?) is checked first: strtod alone would also take hex, "inf" and "+1".
  double ParseNumber() {
    size_t k = i_;
    if (k < s_.size() && s_[k] == '-') ++k;
    if (!IsDigit(k)) Fail("invalid value");
    while (IsDigit(k)) ++k;
    if (k < s_.size() && s_[k] == '.') {
      if (!IsDigit(++k)) Fail("invalid number");
      while (IsDigit(k)) ++k;
    }
    if (k < s_.size() && (s_[k] == 'e' || s_[k] == 'E')) {
      ++k;
      if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
      if (!IsDigit(k)) Fail("invalid number");
      while (IsDigit(k)) ++k;
    }
    const std::string text = s_.substr(i_, k - i_);
    i_ = k;
    return std::strtod(text.c_str(), nullptr);
  }
  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  uint32_t Hex4() {
    if (i_ + 4 > s_.size()) Fail("short \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else Fail("bad \\u escape");
    }
    return v;
  }
  std::string ParseString() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) Fail("unterminated string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) Fail("unterminated escape");
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = Hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.compare(i_, 2, "\\u") == 0) {
            i_ += 2;
            uint32_t lo = Hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) Fail("invalid \\u surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(out, cp);
          break;
        }
        default: Fail("bad escape");
      }
    }
  }
  // Counts the nesting of the array/object being parsed; fails past kMaxDepth instead of overflowing the stack.
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxDepth) p.Fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~DepthGuard() { --p.depth_; }
  };

  Json ParseArray() {
    DepthGuard guard(*this);
    ++i_;
    Json::Array arr;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return Json(std::move(arr));
    }
    while (true) {
      arr.push_back(ParseValue());
      SkipWs();
      if (i_ >= s_.size()) Fail("unterminated array");
      char c = s_[i_++];
      if (c == ']') return Json(std::move(arr));
      if (c != ',') Fail("expected ',' or ']'");
    }
  }
  Json ParseObject() {
    DepthGuard guard(*this);
    ++i_;
    Json::Object obj;
    SkipWs();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return Json(std::move(obj));
    }
    while (true) {
      SkipWs();
      if (i_ >= s_.size() || s_[i_] != '"') Fail("expected a key");
      std::string key = ParseString();
      SkipWs();
      if (i_ >= s_.size() || s_[i_++] != ':') Fail("expected ':'");
      obj[key] = ParseValue();
      SkipWs();
      if (i_ >= s_.size()) Fail("unterminated object");
      char c = s_[i_++];
      if (c == '}') return Json(std::move(obj));
      if (c != ',') Fail("expected ',' or '}'");
    }
  }

  const std::string& s_;
  size_t i_ = 0;
  int depth_ = 0;
};

void DumpString(const std::string& s, std::string& out) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void DumpValue(const Json& v, std::string& out) {
  switch (v.type()) {
    case Json::Type::Null: out += "null"; break;
    case Json::Type::Bool: out += v.AsBool() ? "true" : "false"; break;
    case Json::Type::Number: {
      double d = v.AsNumber();
      if (d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) {
        out += std::to_string(static_cast<int64_t>(d));
      } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        out += buf;
      }
      break;
    }
    case Json::Type::String: DumpString(v.AsString(), out); break;
    case Json::Type::Array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.AsArray()) {
        if (!first) out += ',';
        first = false;
        DumpValue(e, out);
      }
      out += ']';
      break;
    }
    case Json::Type::Object: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.AsObject()) {
        if (!first) out += ',';
        first = false;
        DumpString(k, out);
        out += ':';
        DumpValue(e, out);
      }
      out += '}';
      break;
    }
  }
}

[[noreturn]] void TypeFail(Json::Type want, Json::Type got) {
  throw std::runtime_error(std::string("JSON: expected ") + TypeName(want) + ", got " + TypeName(got));
}

}  // namespace

Json Json::Parse(const std::string& text) { return Parser(text).ParseDocument(); }

std::string Json::Dump() const {
  std::string out;
  DumpValue(*this, out);
  return out;
}

bool Json::AsBool() const {
  if (type_ != Type::Bool) TypeFail(Type::Bool, type_);
  return bool_;
}
double Json::AsNumber() const {
  if (type_ != Type::Number) TypeFail(Type::Number, type_);
  return num_;
}
int64_t Json::AsInt() const {
  double d = AsNumber();
  if (d != std::floor(d)) throw std::runtime_error("JSON: expected an integer, got " + std::to_string(d));
  // beyond +-2^63 the cast is undefined (and no size, offset or id is that large)
  if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18))
    throw std::runtime_error("JSON: integer " + std::to_string(d) + " is out of range");
  return static_cast<int64_t>(d);
}
const std::string& Json::AsString() const {
  if (type_ != Type::String) TypeFail(Type::String, type_);
  return *str_;
}
const Json::Array& Json::AsArray() const {
  if (type_ != Type::Array) TypeFail(Type::Array, type_);
  return *arr_;
}
const Json::Object& Json::AsObject() const {
  if (type_ != Type::Object) TypeFail(Type::Object, type_);
  return *obj_;
}
const Json& Json::operator[](const std::string& key) const {
  const Json* v = Find(key);
  if (!v) throw std::runtime_error("JSON: missing key '" + key + "'");
  return *v;
}
const Json* Json::Find(const std::string& key) const {
  if (type_ != Type::Object) return nullptr;
  auto it = obj_->find(key);
  return it == obj_->end() ? nullptr : &it->second;
}

}  // namespace rarft::util
