// ParseDocumentJson: a JSON scanner that keeps only what the schema asks for.
//
// Building a full nlohmann::json for a typical applicant document (30 KB)
// takes ~0.4 ms, mostly in its lexer and map nodes; this scanner walks the
// text once, keeps the schema's lists and fields as Cells (text as views
// into the input, unescaped into the arena only when it has escapes) and
// skips the rest, validating it as JSON all the same. Numbers are read with
// std::from_chars, correctly rounded like strtod, so a number gives the same
// double here as through nlohmann::json and expr::Value.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "features/record_document.h"

namespace credo::features {
namespace {

constexpr int kMaxDepth = 256;

// The one-letter escapes of JSON strings (after a backslash) and the characters they stand for.
constexpr std::string_view kEscapes = "\"\\/bfnrt";
constexpr std::string_view kUnescaped = "\"\\/\b\f\n\r\t";

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void AppendUtf8(std::string& out, uint32_t cp) {
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

class JsonScanner {
 public:
  JsonScanner(const DocumentSchema& schema, std::string_view text, ParsedDocument* out)
      : schema_(schema), out_(*out), begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  Status Scan() {
    out_.Clear(schema_);
    // Unescaped text is never longer than its source: views into the arena stay valid.
    out_.arena.reserve(static_cast<size_t>(end_ - begin_));
    Space();
    if (p_ == end_) return Status::Invalid("the line is not a JSON document (it is empty)");
    if (*p_ != '{') {
      if (!Skip(0)) return error_;
      return Status::Invalid("the document is not a JSON object");
    }
    ++p_;
    uint64_t seen = 0;
    if (!Members([&](std::string_view key) {
          const int list = schema_.FindChild(schema_.top_lists(), key);
          if (list >= 0) return Once(&seen, list, schema_.top_lists(), key) && List(list, -1, 0);
          if ((*p_ == '[' || *p_ == '{') && !schema_.IsTopLevelObject(key)) return Skip(0);
          Cell cell;
          if (!ReadCell(&cell, 0)) return false;
          out_.top.emplace_back(key, cell);
          return true;
        })) {
      return error_;
    }
    Space();
    if (p_ != end_) {
      Syntax("text after the end of the document");
      return error_;
    }
    return Status::Ok();
  }

 private:
  // ---- errors ------------------------------------------------------------

  bool Fail(Status status) {
    error_ = std::move(status);
    return false;
  }
  bool Syntax(const std::string& what) {
    return Fail(Status::Invalid("not valid JSON: " + what,
                                "column " + std::to_string(static_cast<size_t>(p_ - begin_) + 1)));
  }

  // ---- lexing ------------------------------------------------------------

  void Space() {
    while (p_ < end_ && IsSpace(*p_)) ++p_;
  }

  bool Expect(char c) {
    Space();
    if (p_ == end_ || *p_ != c) return Syntax(std::string("expected '") + c + "'");
    ++p_;
    return true;
  }

  bool Word(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return Syntax("unexpected character");
    }
    p_ += word.size();
    return true;
  }

  bool Hex4(uint32_t* out) {
    if (end_ - p_ < 4) return Syntax("bad \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return Syntax("bad \\u escape");
    }
    *out = v;
    return true;
  }

  // A string at p_ (which is at '"'); `out` may be null to skip it.
  bool String(std::string_view* out) {
    ++p_;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
    if (p_ == end_) return Syntax("unterminated string");
    if (*p_ == '"') {
      if (out) *out = std::string_view(start, static_cast<size_t>(p_ - start));
      ++p_;
      return true;
    }
    if (*p_ != '\\') return Syntax("control character in a string");
    // Escapes: decode into the arena.
    const size_t arena_start = out_.arena.size();
    out_.arena.append(start, static_cast<size_t>(p_ - start));
    while (true) {
      if (p_ == end_) return Syntax("unterminated string");
      const char c = *p_;
      if (c == '"') {
        ++p_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) return Syntax("control character in a string");
      if (c != '\\') {
        out_.arena += c;
        ++p_;
        continue;
      }
      if (++p_ == end_) return Syntax("unterminated string");
      const char e = *p_++;
      if (const size_t simple = kEscapes.find(e); simple != std::string_view::npos) {
        out_.arena += kUnescaped[simple];
        continue;
      }
      if (e != 'u') return Syntax("bad escape in a string");
      uint32_t cp = 0;
      if (!Hex4(&cp)) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t low = 0;
        if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return Syntax("unpaired surrogate in \\u escape");
        p_ += 2;
        if (!Hex4(&low)) return false;
        if (low < 0xDC00 || low > 0xDFFF) return Syntax("unpaired surrogate in \\u escape");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return Syntax("unpaired surrogate in \\u escape");
      }
      AppendUtf8(out_.arena, cp);
    }
    if (out) *out = std::string_view(out_.arena).substr(arena_start);
    return true;
  }

  // A number at p_; `out` may be null to skip it.
  bool Number(double* out) {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return Syntax("unexpected character");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return Syntax("expected digits after '.'");
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return Syntax("expected digits in the exponent");
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (!out) return true;
    auto [ptr, ec] = std::from_chars(start, p_, *out);
    if (ec == std::errc::result_out_of_range) {  // as strtod: overflow to infinity, underflow to 0
      *out = std::strtod(std::string(start, p_).c_str(), nullptr);
    }
    *out += 0.0;  // -0 is 0, as JSON integers read through nlohmann::json give
    return true;
  }

  // Items of an object or array whose opening bracket was read, up to
  // `close`: `on_item()` reads each one.
  template <class F>
  bool Items(char close, F&& on_item) {
    Space();
    if (p_ < end_ && *p_ == close) {
      ++p_;
      return true;
    }
    while (true) {
      if (!on_item()) return false;
      Space();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == close) {
        ++p_;
        return true;
      }
      return Syntax(std::string("expected ',' or '") + close + "'");
    }
  }

  // Members of an object whose '{' was read: `on_member(key)` reads each value.
  template <class F>
  bool Members(F&& on_member) {
    return Items('}', [&] {
      Space();
      if (p_ == end_ || *p_ != '"') return Syntax("expected a member name");
      std::string_view key;
      if (!String(&key)) return false;
      if (!Expect(':')) return false;
      Space();
      if (p_ == end_) return Syntax("expected a value");
      return on_member(key);
    });
  }

  // Any value at p_, checked and dropped.
  bool Skip(int depth) {
    if (depth > kMaxDepth) return Syntax("nested too deeply");
    Space();
    if (p_ == end_) return Syntax("expected a value");
    switch (*p_) {
      case '{':
        ++p_;
        return Members([&](std::string_view) { return Skip(depth + 1); });
      case '[':
        ++p_;
        return Items(']', [&] { return Skip(depth + 1); });
      case '"':
        return String(nullptr);
      case 't':
        return Word("true");
      case 'f':
        return Word("false");
      case 'n':
        return Word("null");
      default:
        return Number(nullptr);
    }
  }

  // A value of the wrong kind at p_: a data error naming `path`, unless the
  // value is not valid JSON in the first place.
  bool WrongKind(const std::string& expected, const std::string& path, int depth) {
    const std::string got = TypeAhead();
    if (!Skip(depth)) return false;
    return Fail(Status::Invalid("expected " + expected + ", got " + got, path));
  }

  // The kind of value at p_, for messages.
  const char* TypeAhead() const {
    switch (*p_) {
      case '{':
        return "object";
      case '[':
        return "array";
      case '"':
        return "string";
      case 't':
      case 'f':
        return "bool";
      case 'n':
        return "null";
      default:
        return "number";
    }
  }

  // Any value at p_ into `cell`; arrays and objects become Values.
  bool ReadCell(Cell* cell, int depth) {
    switch (*p_) {
      case '"':
        cell->kind = CellKind::kString;
        return String(&cell->text);
      case 't':
        cell->kind = CellKind::kTrue;
        return Word("true");
      case 'f':
        cell->kind = CellKind::kFalse;
        return Word("false");
      case 'n':
        cell->kind = CellKind::kNull;
        return Word("null");
      case '[':
      case '{': {
        const char* start = p_;
        if (!Skip(depth)) return false;
        cell->kind = CellKind::kOther;
        cell->other = static_cast<uint32_t>(out_.others.size());
        try {
          out_.others.push_back(expr::Value::FromJson(nlohmann::json::parse(start, p_)));
        } catch (const nlohmann::json::exception& e) {
          return Syntax(e.what());
        }
        return true;
      }
      default:
        cell->kind = CellKind::kNumber;
        return Number(&cell->number);
    }
  }

  // ---- the schema's lists ------------------------------------------------

  // A record list given twice in one object is an error.
  bool Once(uint64_t* seen, int list, const std::vector<int>& siblings, std::string_view key) {
    Status status = MarkListOnce(seen, list, siblings, key);
    return status.ok() || Fail(std::move(status));
  }

  // The value at p_ as record list `list` of record `parent`.
  bool List(int list, int parent, int depth) {
    if (*p_ == 'n') return Word("null");
    if (*p_ != '[') return WrongKind("an array of records", out_.ListPath(schema_, list, parent), depth);
    ++p_;
    int32_t ordinal = 0;
    return Items(']', [&] {
      Space();
      if (p_ == end_) return Syntax("expected a value");
      if (*p_ != '{') {
        return WrongKind("a record (an object)",
                         out_.ListPath(schema_, list, parent) + "[" + std::to_string(ordinal) + "]", depth);
      }
      return Record(list, parent, ordinal++, depth + 1);
    });
  }

  bool Record(int list, int parent, int32_t ordinal, int depth) {
    if (depth > kMaxDepth) return Syntax("nested too deeply");
    const auto& info = schema_.lists()[list];
    const size_t n_fields = info.fields.size();
    ParsedList& records = out_.lists[list];
    const int index = static_cast<int>(records.size());
    records.date.push_back(0);
    records.parent.push_back(parent);
    records.ordinal.push_back(ordinal);
    records.cells.resize(records.cells.size() + n_fields);
    ++p_;  // '{'
    bool dated = false;
    uint64_t seen = 0;
    const bool ok = Members([&](std::string_view key) {
      if (key == "date") {
        if (*p_ != '"')
          return WrongKind("a date (YYYY-MM-DD)", out_.RecordPath(schema_, list, index) + ".date", depth);
        std::string_view text;
        if (!String(&text)) return false;
        auto day = ParseDay(text);
        if (!day.ok()) {
          return Fail(
              Status::Invalid(day.status().message(), out_.RecordPath(schema_, list, index) + ".date"));
        }
        records.date[index] = *day;
        dated = true;
        for (size_t slot = 0; slot < n_fields; ++slot) {
          if (info.fields[slot] == key)
            records.cells[index * n_fields + slot] = {CellKind::kString, 0, 0, text};
        }
        return true;
      }
      for (size_t slot = 0; slot < n_fields; ++slot) {
        if (info.fields[slot] == key) return ReadCell(&records.cells[index * n_fields + slot], depth);
      }
      const int child = schema_.FindChild(info.children, key);
      if (child >= 0) return Once(&seen, child, info.children, key) && List(child, index, depth);
      return Skip(depth);
    });
    if (!ok) return false;
    if (!dated) return Fail(Status::Invalid("the record has no date", out_.RecordPath(schema_, list, index)));
    return true;
  }

  const DocumentSchema& schema_;
  ParsedDocument& out_;
  const char* begin_;
  const char* p_;
  const char* end_;
  Status error_;
};

}  // namespace

Status ParseDocumentJson(const DocumentSchema& schema, std::string_view json, ParsedDocument* out) {
  return JsonScanner(schema, json, out).Scan();
}

}  // namespace credo::features
