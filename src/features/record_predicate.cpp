// Record conditions: the native evaluator for comparisons joined by
// and/or/not, and the ZEN evaluator for everything else.
//
// The native subset, with ZEN's meaning:
//   FIELD op CONST, CONST op FIELD   op: == != (any constant), < <= > >= (numbers)
//   FIELD op FIELD                   op: < <= > >= (two numbers, or two texts by bytes)
//   FIELD in [CONST, ...], FIELD not in [...]
//   A and B, A && B, A or B, A || B, not (A), !(A), (A)
// `==` of different kinds is false, an absent field is null, and an ordering
// comparison of anything but two numbers is an error that makes the whole
// condition an error (no match), with ZEN's short-circuits. A number constant
// is used only when it reads back from a double unchanged, so comparing the
// record's double with it is comparing ZEN's decimals. Anything outside the
// subset (arithmetic, functions, member access, escapes in strings, string
// ordering) goes to the ZEN evaluator.
#include "features/record_predicate.h"

#include <cctype>
#include <optional>

namespace credo::features {
namespace {

enum class Tri : uint8_t { kFalse, kTrue, kError };
enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct Literal {
  CellKind kind = CellKind::kNull;  // kNull, kFalse, kTrue, kNumber or kString
  double number = 0;
  std::string text;
};

bool Equal(const Cell& cell, const Literal& lit) {
  switch (lit.kind) {
    case CellKind::kNull:
      return cell.kind == CellKind::kAbsent || cell.kind == CellKind::kNull;
    case CellKind::kNumber:
      return cell.kind == CellKind::kNumber && cell.number == lit.number;
    case CellKind::kString:
      return cell.kind == CellKind::kString && cell.text == lit.text;
    default:  // kFalse, kTrue
      return cell.kind == lit.kind;
  }
}

bool Order(double a, CompareOp op, double b) {
  switch (op) {
    case CompareOp::kLt:
      return a < b;
    case CompareOp::kLe:
      return a <= b;
    case CompareOp::kGt:
      return a > b;
    default:
      return a >= b;
  }
}

bool IsKeyword(std::string_view word) {
  return word == "and" || word == "or" || word == "not" || word == "in" || word == "true" ||
         word == "false" || word == "null";
}

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

struct RecordPredicate::Native {
  struct Node {
    enum class Kind : uint8_t { kCompare, kCompareFields, kIn, kAnd, kOr, kNot };
    Kind kind = Kind::kCompare;
    CompareOp op = CompareOp::kEq;
    bool negate = false;  // kIn: `not in`
    int slot = -1;
    int other_slot = -1;  // kCompareFields: the right-hand field
    std::vector<Literal> literals;
    int a = -1, b = -1;
  };
  std::vector<Node> nodes;
  int root = -1;

  Tri Eval(int index, const Cell* record) const {
    const Node& n = nodes[index];
    switch (n.kind) {
      case Node::Kind::kCompare: {
        const Cell& cell = record[n.slot];
        const Literal& lit = n.literals[0];
        if (n.op == CompareOp::kEq) return Equal(cell, lit) ? Tri::kTrue : Tri::kFalse;
        if (n.op == CompareOp::kNe) return Equal(cell, lit) ? Tri::kFalse : Tri::kTrue;
        if (cell.kind != CellKind::kNumber) return Tri::kError;
        return Order(cell.number, n.op, lit.number) ? Tri::kTrue : Tri::kFalse;
      }
      case Node::Kind::kCompareFields: {
        const Cell& a = record[n.slot];
        const Cell& b = record[n.other_slot];
        if (a.kind == CellKind::kNumber && b.kind == CellKind::kNumber) {
          return Order(a.number, n.op, b.number) ? Tri::kTrue : Tri::kFalse;
        }
        if (a.kind == CellKind::kString && b.kind == CellKind::kString) {  // byte order, as Rust's strings
          const int c = a.text.compare(b.text);
          return Order(c, n.op, 0) ? Tri::kTrue : Tri::kFalse;
        }
        return Tri::kError;
      }
      case Node::Kind::kIn: {
        bool found = false;
        for (const Literal& lit : n.literals) found = found || Equal(record[n.slot], lit);
        return found != n.negate ? Tri::kTrue : Tri::kFalse;
      }
      case Node::Kind::kAnd: {
        const Tri left = Eval(n.a, record);
        return left == Tri::kTrue ? Eval(n.b, record) : left;
      }
      case Node::Kind::kOr: {
        const Tri left = Eval(n.a, record);
        return left == Tri::kFalse ? Eval(n.b, record) : left;
      }
      case Node::Kind::kNot: {
        const Tri inner = Eval(n.a, record);
        return inner == Tri::kError ? inner : (inner == Tri::kTrue ? Tri::kFalse : Tri::kTrue);
      }
    }
    return Tri::kError;
  }
};

namespace {

using Node = RecordPredicate::Native::Node;

// Parses the native subset; nullopt when the text is outside it.
class NativeParser {
 public:
  NativeParser(std::string_view text, const std::function<int(const std::string&)>& slot_of)
      : text_(text), slot_of_(slot_of) {}

  std::optional<RecordPredicate::Native> Parse() {
    if (!Lex()) return std::nullopt;
    const int root = Or();
    if (root < 0 || tokens_[pos_].kind != Token::kEnd) return std::nullopt;
    out_.root = root;
    return std::move(out_);
  }

 private:
  struct Token {
    enum Kind { kIdent, kNumber, kString, kKeyword, kSymbol, kEnd } kind;
    std::string text;
  };

  bool Lex() {
    size_t i = 0;
    while (true) {
      while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (i == text_.size()) break;
      const char c = text_[i];
      if (IsIdentStart(c)) {
        size_t j = i;
        while (j < text_.size() && IsIdentChar(text_[j])) ++j;
        std::string word(text_.substr(i, j - i));
        size_t k = j;
        while (k < text_.size() && std::isspace(static_cast<unsigned char>(text_[k]))) ++k;
        const bool keyword = IsKeyword(word);
        // Member access, indexing and calls are outside the subset.
        if (!keyword && k < text_.size() && (text_[k] == '.' || text_[k] == '(' || text_[k] == '['))
          return false;
        tokens_.push_back({keyword ? Token::kKeyword : Token::kIdent, std::move(word)});
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        size_t j = i;
        while (j < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[j])) || text_[j] == '.'))
          ++j;
        if (j < text_.size() && (text_[j] == 'e' || text_[j] == 'E')) {
          ++j;
          if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
          while (j < text_.size() && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
        }
        if (j < text_.size() && (IsIdentChar(text_[j]) || text_[j] == '.')) return false;  // 1_000, 1.2.3
        tokens_.push_back({Token::kNumber, std::string(text_.substr(i, j - i))});
        i = j;
      } else if (c == '\'' || c == '"') {
        const size_t close = text_.find(c, i + 1);
        if (close == std::string_view::npos) return false;
        const std::string_view body = text_.substr(i + 1, close - i - 1);
        if (body.find('\\') != std::string_view::npos) return false;
        tokens_.push_back({Token::kString, std::string(body)});
        i = close + 1;
      } else {
        static constexpr std::string_view kSymbols[] = {"==", "!=", "<=", ">=", "&&", "||", "<", ">",
                                                        "!",  "(",  ")",  "[",  "]",  ",",  "-"};
        bool matched = false;
        for (std::string_view symbol : kSymbols) {
          if (text_.substr(i, symbol.size()) == symbol) {
            tokens_.push_back({Token::kSymbol, std::string(symbol)});
            i += symbol.size();
            matched = true;
            break;
          }
        }
        if (!matched) return false;
      }
    }
    tokens_.push_back({Token::kEnd, ""});
    return true;
  }

  const Token& Peek() const { return tokens_[pos_]; }
  bool AtSymbol(std::string_view s) const { return Peek().kind == Token::kSymbol && Peek().text == s; }
  bool AtKeyword(std::string_view s) const { return Peek().kind == Token::kKeyword && Peek().text == s; }

  int Add(Node node) {
    out_.nodes.push_back(std::move(node));
    return static_cast<int>(out_.nodes.size()) - 1;
  }

  int Or() { return Chain(Node::Kind::kOr, "or", "||", &NativeParser::And); }
  int And() { return Chain(Node::Kind::kAnd, "and", "&&", &NativeParser::Unary); }

  // operand (keyword-or-symbol operand)*, grouped from the left into `kind` nodes.
  int Chain(Node::Kind kind, std::string_view keyword, std::string_view symbol,
            int (NativeParser::*operand)()) {
    int left = (this->*operand)();
    while (left >= 0 && (AtKeyword(keyword) || AtSymbol(symbol))) {
      ++pos_;
      const int right = (this->*operand)();
      if (right < 0) return -1;
      Node n;
      n.kind = kind;
      n.a = left;
      n.b = right;
      left = Add(std::move(n));
    }
    return left;
  }

  // ZEN's `not` binds tighter than comparisons, so only `not (...)` is a
  // negated condition.
  int Unary() {
    if (AtKeyword("not") || AtSymbol("!")) {
      ++pos_;
      if (!AtSymbol("(")) return -1;
      const int inner = Parenthesised();
      if (inner < 0) return -1;
      Node n;
      n.kind = Node::Kind::kNot;
      n.a = inner;
      return Add(std::move(n));
    }
    if (AtSymbol("(")) return Parenthesised();
    return Comparison();
  }

  int Parenthesised() {
    ++pos_;  // '('
    const int inner = Or();
    if (inner < 0 || !AtSymbol(")")) return -1;
    ++pos_;
    return inner;
  }

  std::optional<Literal> ParseLiteral() {
    const Token& t = Peek();
    Literal lit;
    if (t.kind == Token::kString) {
      lit.kind = CellKind::kString;
      lit.text = t.text;
    } else if (t.kind == Token::kKeyword && (t.text == "true" || t.text == "false" || t.text == "null")) {
      lit.kind = t.text == "true" ? CellKind::kTrue : t.text == "false" ? CellKind::kFalse : CellKind::kNull;
    } else if (t.kind == Token::kNumber || (t.kind == Token::kSymbol && t.text == "-")) {
      std::string number;
      if (t.kind == Token::kSymbol) {
        ++pos_;
        if (Peek().kind != Token::kNumber) return std::nullopt;
        number = "-";
      }
      number += Peek().text;
      auto decimal = expr::Decimal::Parse(number);
      if (!decimal) return std::nullopt;
      // Only constants a double holds exactly as ZEN's decimal.
      auto back = expr::Decimal::FromDouble(decimal->ToDouble());
      if (!back || back->Compare(*decimal) != 0) return std::nullopt;
      lit.kind = CellKind::kNumber;
      lit.number = decimal->ToDouble() + 0.0;
    } else {
      return std::nullopt;
    }
    ++pos_;
    return lit;
  }

  std::optional<CompareOp> ParseCompareOp() {
    if (Peek().kind != Token::kSymbol) return std::nullopt;
    static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
        {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
        {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
    for (const auto& [symbol, op] : kOps) {
      if (Peek().text == symbol) {
        ++pos_;
        return op;
      }
    }
    return std::nullopt;
  }

  static CompareOp Flip(CompareOp op) {
    switch (op) {
      case CompareOp::kLt:
        return CompareOp::kGt;
      case CompareOp::kLe:
        return CompareOp::kGe;
      case CompareOp::kGt:
        return CompareOp::kLt;
      case CompareOp::kGe:
        return CompareOp::kLe;
      default:
        return op;
    }
  }

  int Compare(int slot, CompareOp op, Literal lit) {
    const bool ordering = op != CompareOp::kEq && op != CompareOp::kNe;
    if (ordering && lit.kind != CellKind::kNumber) return -1;  // string ordering etc.: ZEN evaluator
    Node n;
    n.kind = Node::Kind::kCompare;
    n.op = op;
    n.slot = slot;
    n.literals.push_back(std::move(lit));
    return Add(std::move(n));
  }

  int Comparison() {
    if (Peek().kind == Token::kIdent) {
      const int slot = slot_of_(Peek().text);
      ++pos_;
      bool negate = false;
      if (AtKeyword("not")) {
        ++pos_;
        negate = true;
        if (!AtKeyword("in")) return -1;
      }
      if (AtKeyword("in")) {
        ++pos_;
        return InList(slot, negate);
      }
      auto op = ParseCompareOp();
      if (!op) return -1;
      if (Peek().kind == Token::kIdent) {  // FIELD op FIELD: numbers only (== of arrays is ZEN's)
        if (*op == CompareOp::kEq || *op == CompareOp::kNe) return -1;
        Node n;
        n.kind = Node::Kind::kCompareFields;
        n.op = *op;
        n.slot = slot;
        n.other_slot = slot_of_(Peek().text);
        ++pos_;
        return Add(std::move(n));
      }
      auto lit = ParseLiteral();
      if (!lit) return -1;
      return Compare(slot, *op, std::move(*lit));
    }
    auto lit = ParseLiteral();
    if (!lit) return -1;
    auto op = ParseCompareOp();
    if (!op || Peek().kind != Token::kIdent) return -1;
    const int slot = slot_of_(Peek().text);
    ++pos_;
    return Compare(slot, Flip(*op), std::move(*lit));
  }

  int InList(int slot, bool negate) {
    if (!AtSymbol("[")) return -1;
    ++pos_;
    Node n;
    n.kind = Node::Kind::kIn;
    n.slot = slot;
    n.negate = negate;
    if (!AtSymbol("]")) {
      while (true) {
        auto lit = ParseLiteral();
        if (!lit) return -1;
        n.literals.push_back(std::move(*lit));
        if (AtSymbol(",")) {
          ++pos_;
          continue;
        }
        break;
      }
    }
    if (!AtSymbol("]")) return -1;
    ++pos_;
    return Add(std::move(n));
  }

  std::string_view text_;
  const std::function<int(const std::string&)>& slot_of_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  RecordPredicate::Native out_;
};

}  // namespace

Result<RecordPredicate> RecordPredicate::Compile(const std::string& text,
                                                 const std::function<int(const std::string&)>& slot_of) {
  auto zen = expr::CompileStandard(text);
  if (!zen.ok()) return zen.status();
  RecordPredicate out;
  out.text_ = text;
  if (auto native = NativeParser(text, slot_of).Parse()) {
    out.native_ = std::make_shared<const Native>(std::move(*native));
    return out;
  }
  out.zen_ = std::make_shared<const expr::CompiledExpression>(std::move(zen).value());
  for (std::string& name : ReferencedNames(text)) {
    const int slot = slot_of(name);
    out.zen_fields_.emplace_back(std::move(name), slot);
  }
  return out;
}

bool RecordPredicate::native() const { return native_ != nullptr; }

bool RecordPredicate::Matches(const Cell* record, const ParsedDocument& doc,
                              const expr::EvalContext& context) const {
  if (native_) return native_->Eval(native_->root, record) == Tri::kTrue;
  expr::Object input;
  input.reserve(zen_fields_.size());
  for (const auto& [name, slot] : zen_fields_) {
    if (record[slot].kind != CellKind::kAbsent) input.emplace_back(name, CellValue(record[slot], doc));
  }
  return zen_->Holds(expr::Value(std::move(input)), context);
}

std::vector<std::string> ReferencedNames(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  char previous = 0;  // the last non-space character before the current token
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != c) j += text[j] == '\\' ? 2 : 1;
      i = j + 1;
      previous = c;
    } else if (IsIdentStart(c) || c == '$') {
      size_t j = i + 1;
      while (j < text.size() && (IsIdentChar(text[j]) || text[j] == '$')) ++j;
      const std::string word(text.substr(i, j - i));
      size_t k = j;
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      const bool called = k < text.size() && text[k] == '(';
      if (previous != '.' && !called && c != '$' && !IsKeyword(word)) {
        bool known = false;
        for (const auto& name : out) known = known || name == word;
        if (!known) out.push_back(word);
      }
      i = j;
      previous = 'a';
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < text.size() && (IsIdentChar(text[i]) || text[i] == '.')) ++i;
      previous = '0';
    } else {
      if (!std::isspace(static_cast<unsigned char>(c))) previous = c;
      ++i;
    }
  }
  return out;
}

}  // namespace credo::features
