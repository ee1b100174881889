// data/json_builder.h — JSON text written by appending, for producing many
// records fast (JSON Lines documents) without building a DOM first.
//
// The caller nests Begin/End calls and puts Key() before each value inside an
// object; JsonBuilder places the commas. Strings are escaped (quote,
// backslash, control characters) and otherwise copied byte for byte: the
// caller passes UTF-8 (see core/utf8.h). Numbers are written exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace credo::data {

class JsonBuilder {
 public:
  // Forgets the text so far, keeping its capacity.
  void Clear() {
    text_.clear();
    need_comma_ = false;
  }

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // The name of the next value in the current object.
  void Key(std::string_view name);

  void String(std::string_view text);
  void Int(int64_t value);
  // A finite double: without a fraction when it is a whole number of
  // magnitude below 2^53 (202500.0 -> 202500), else the shortest text that
  // reads back as the same double (0.1 -> 0.1).
  void Number(double value);
  void Bool(bool value);
  void Null();

  const std::string& text() const { return text_; }

 private:
  void Open(char bracket) {
    Separate();
    text_ += bracket;
    need_comma_ = false;
  }
  void Close(char bracket) {
    text_ += bracket;
    need_comma_ = true;
  }
  void Separate() {
    if (need_comma_) text_ += ',';
    need_comma_ = true;
  }

  std::string text_;
  bool need_comma_ = false;  // a value or member came before, in the current container
};

}  // namespace credo::data
