// A small JSON value, parser and writer: enough for safetensors headers and HF config files, without a dependency.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace rarft::util {

class Json {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json>;

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::Bool), bool_(b) {}
  Json(double d) : type_(Type::Number), num_(d) {}
  Json(int64_t i) : type_(Type::Number), num_(static_cast<double>(i)) {}
  Json(int i) : type_(Type::Number), num_(i) {}
  Json(std::string s) : type_(Type::String), str_(std::make_shared<std::string>(std::move(s))) {}
  Json(const char* s) : Json(std::string(s)) {}
  Json(Array a) : type_(Type::Array), arr_(std::make_shared<Array>(std::move(a))) {}
  Json(Object o) : type_(Type::Object), obj_(std::make_shared<Object>(std::move(o))) {}

  static Json Parse(const std::string& text);  // throws std::runtime_error with the byte offset
  std::string Dump() const;                    // compact

  Type type() const { return type_; }
  bool IsNull() const { return type_ == Type::Null; }
  bool IsNumber() const { return type_ == Type::Number; }
  bool IsString() const { return type_ == Type::String; }
  bool IsArray() const { return type_ == Type::Array; }
  bool IsObject() const { return type_ == Type::Object; }
  bool IsBool() const { return type_ == Type::Bool; }

  bool AsBool() const;
  double AsNumber() const;
  int64_t AsInt() const;  // throws unless the number is integral
  const std::string& AsString() const;
  const Array& AsArray() const;
  const Object& AsObject() const;

  bool Has(const std::string& key) const { return IsObject() && obj_->count(key) > 0; }
  const Json& operator[](const std::string& key) const;  // throws if absent ("missing key 'x'")
  const Json* Find(const std::string& key) const;         // nullptr if absent or not an object

 private:
  Type type_ = Type::Null;
  bool bool_ = false;
  double num_ = 0;
  std::shared_ptr<std::string> str_;
  std::shared_ptr<Array> arr_;
  std::shared_ptr<Object> obj_;
};

}  // namespace rarft::util
