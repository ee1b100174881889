// Lexer and Pratt parser for ZEN expressions; builds the Program tree.
#include <cstring>
#include <utility>

#include "expr/expression.h"
#include "expr/program.h"

namespace credo::expr {
namespace {

enum class Tok { kEnd, kNumber, kString, kTemplate, kIdent, kHash, kSymbol };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, symbol, unescaped string or raw template body
  int column = 0;
};

struct ParseError {
  int column;
  std::string message;
};

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd:
      return "end of expression";
    case Tok::kString:
      return "string '" + t.text + "'";
    case Tok::kTemplate:
      return "template string";
    default:
      return "'" + t.text + "'";
  }
}

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

std::vector<Token> Lex(std::string_view s, int column_base) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.column = column_base + static_cast<int>(i);
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = i;
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      if (i + 1 < s.size() && s[i] == '.' && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
        ++i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
      }
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
          i = j;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        }
      }
      t.kind = Tok::kNumber;
      t.text = std::string(s.substr(start, i - start));
    } else if (IsIdentStart(c)) {
      size_t start = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      t.kind = Tok::kIdent;
      t.text = std::string(s.substr(start, i - start));
    } else if (c == '\'' || c == '"') {
      ++i;
      t.kind = Tok::kString;
      while (i < s.size() && s[i] != c) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          char e = s[++i];
          switch (e) {
            case 'n':
              t.text += '\n';
              break;
            case 't':
              t.text += '\t';
              break;
            case 'r':
              t.text += '\r';
              break;
            case '\\':
            case '\'':
            case '"':
              t.text += e;
              break;
            default:
              t.text += '\\';
              t.text += e;
              break;  // regex escapes such as \d stay as written
          }
          ++i;
        } else {
          t.text += s[i++];
        }
      }
      if (i >= s.size()) throw ParseError{t.column, "unterminated string"};
      ++i;
    } else if (c == '`') {
      size_t start = ++i;
      int depth = 0;
      while (i < s.size() && !(s[i] == '`' && depth == 0)) {
        if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
          ++depth;
          ++i;
        } else if (s[i] == '}' && depth > 0) {
          --depth;
        }
        ++i;
      }
      if (i >= s.size()) throw ParseError{t.column, "unterminated template string"};
      t.kind = Tok::kTemplate;
      t.text = std::string(s.substr(start, i - start));
      ++i;
    } else if (c == '#') {
      t.kind = Tok::kHash;
      t.text = "#";
      ++i;
    } else {
      static const char* const kSymbols[] = {"..", "==", "!=", "<=", ">=", "??", "&&", "||", "+", "-",
                                             "*",  "/",  "%",  "^",  "<",  ">",  "=",  "(",  ")", "[",
                                             "]",  "{",  "}",  ",",  ":",  ".",  "?",  ";",  "!"};
      t.kind = Tok::kSymbol;
      for (const char* sym : kSymbols) {
        size_t n = std::strlen(sym);
        if (s.substr(i, n) == sym) {
          t.text = sym;
          break;
        }
      }
      if (t.text.empty()) throw ParseError{t.column, std::string("unexpected character '") + c + "'"};
      i += t.text.size();
    }
    out.push_back(std::move(t));
  }
}

struct FunctionSpec {
  const char* name;
  int id, min_args, max_args;
  bool closure;
};

const FunctionSpec kFunctions[] = {
    {"len", int(Builtin::kLen), 1, 1, false},
    {"upper", int(Builtin::kUpper), 1, 1, false},
    {"lower", int(Builtin::kLower), 1, 1, false},
    {"trim", int(Builtin::kTrim), 1, 1, false},
    {"startsWith", int(Builtin::kStartsWith), 2, 2, false},
    {"endsWith", int(Builtin::kEndsWith), 2, 2, false},
    {"contains", int(Builtin::kContains), 2, 2, false},
    {"matches", int(Builtin::kMatches), 2, 2, false},
    {"extract", int(Builtin::kExtract), 2, 2, false},
    {"fuzzyMatch", int(Builtin::kFuzzyMatch), 2, 2, false},
    {"split", int(Builtin::kSplit), 2, 2, false},
    {"number", int(Builtin::kNumber), 1, 1, false},
    {"string", int(Builtin::kString), 1, 1, false},
    {"bool", int(Builtin::kBool), 1, 1, false},
    {"isNumeric", int(Builtin::kIsNumeric), 1, 1, false},
    {"type", int(Builtin::kType), 1, 1, false},
    {"abs", int(Builtin::kAbs), 1, 1, false},
    {"sum", int(Builtin::kSum), 1, 1, false},
    {"avg", int(Builtin::kAvg), 1, 1, false},
    {"min", int(Builtin::kMin), 1, 1, false},
    {"max", int(Builtin::kMax), 1, 1, false},
    {"median", int(Builtin::kMedian), 1, 1, false},
    {"mode", int(Builtin::kMode), 1, 1, false},
    {"floor", int(Builtin::kFloor), 1, 1, false},
    {"ceil", int(Builtin::kCeil), 1, 1, false},
    {"round", int(Builtin::kRound), 1, 2, false},
    {"trunc", int(Builtin::kTrunc), 1, 2, false},
    {"rand", int(Builtin::kRand), 1, 1, false},
    {"keys", int(Builtin::kKeys), 1, 1, false},
    {"values", int(Builtin::kValues), 1, 1, false},
    {"flatten", int(Builtin::kFlatten), 1, 1, false},
    {"merge", int(Builtin::kMerge), 1, 1, false},
    {"mergeDeep", int(Builtin::kMergeDeep), 1, 1, false},
    {"date", int(Builtin::kDate), 1, 1, false},
    {"time", int(Builtin::kTime), 1, 1, false},
    {"duration", int(Builtin::kDuration), 1, 1, false},
    {"year", int(Builtin::kYear), 1, 1, false},
    {"monthOfYear", int(Builtin::kMonthOfYear), 1, 1, false},
    {"monthString", int(Builtin::kMonthString), 1, 1, false},
    {"dayOfMonth", int(Builtin::kDayOfMonth), 1, 1, false},
    {"dayOfWeek", int(Builtin::kDayOfWeek), 1, 1, false},
    {"dayOfYear", int(Builtin::kDayOfYear), 1, 1, false},
    {"weekOfYear", int(Builtin::kWeekOfYear), 1, 1, false},
    {"weekdayString", int(Builtin::kWeekdayString), 1, 1, false},
    {"dateString", int(Builtin::kDateString), 1, 1, false},
    {"startOf", int(Builtin::kStartOf), 2, 2, false},
    {"endOf", int(Builtin::kEndOf), 2, 2, false},
    {"d", int(Builtin::kD), 0, 2, false},
    {"map", int(Builtin::kMap), 2, 2, true},
    {"filter", int(Builtin::kFilter), 2, 2, true},
    {"some", int(Builtin::kSome), 2, 2, true},
    {"all", int(Builtin::kAll), 2, 2, true},
    {"none", int(Builtin::kNone), 2, 2, true},
    {"count", int(Builtin::kCount), 2, 2, true},
    {"one", int(Builtin::kOne), 2, 2, true},
    {"flatMap", int(Builtin::kFlatMap), 2, 2, true},
};

const std::pair<const char*, DateMethod> kMethods[] = {
    {"add", DateMethod::kAdd},
    {"sub", DateMethod::kSub},
    {"set", DateMethod::kSet},
    {"startOf", DateMethod::kStartOf},
    {"endOf", DateMethod::kEndOf},
    {"tz", DateMethod::kTz},
    {"format", DateMethod::kFormat},
    {"diff", DateMethod::kDiff},
    {"isBefore", DateMethod::kIsBefore},
    {"isAfter", DateMethod::kIsAfter},
    {"isSame", DateMethod::kIsSame},
    {"isSameOrBefore", DateMethod::kIsSameOrBefore},
    {"isSameOrAfter", DateMethod::kIsSameOrAfter},
    {"year", DateMethod::kYear},
    {"month", DateMethod::kMonth},
    {"day", DateMethod::kDay},
    {"weekday", DateMethod::kWeekday},
    {"hour", DateMethod::kHour},
    {"minute", DateMethod::kMinute},
    {"second", DateMethod::kSecond},
    {"dayOfYear", DateMethod::kDayOfYear},
    {"quarter", DateMethod::kQuarter},
    {"timestamp", DateMethod::kTimestamp},
    {"offsetName", DateMethod::kOffsetName},
    {"isLeapYear", DateMethod::kIsLeapYear},
    {"isValid", DateMethod::kIsValid},
    {"isToday", DateMethod::kIsToday},
    {"isYesterday", DateMethod::kIsYesterday},
    {"isTomorrow", DateMethod::kIsTomorrow},
};

// Binding powers, loosest first. `??` binds tighter than arithmetic, as in
// ZEN: `a ?? 10 + b` is `(a ?? 10) + b`, `b / a ?? 1` is `b / (a ?? 1)`.
enum Prec { kLowest = 0, kTernary, kOr, kAnd, kCompare, kAdditive, kMultiplicative, kCoalesce, kPower };

Node MakeNode(NodeKind kind, int column) {
  Node n;
  n.kind = kind;
  n.column = column;
  return n;
}

class Parser {
 public:
  Parser(std::string_view text, bool unary, int column_base, std::vector<std::string> scopes)
      : tokens_(Lex(text, column_base)), unary_(unary), scopes_(std::move(scopes)) {}

  Node ParseStandardProgram(bool* assigns) {
    Node program = MakeNode(NodeKind::kProgram, 1);
    while (true) {
      Node statement = ParseExpression(kLowest);
      if (IsSymbol("=")) {
        Node assign = MakeNode(NodeKind::kAssign, Peek().column);
        if (!AssignmentPath(statement, &assign.path)) {
          throw ParseError{Peek().column, "expected a variable path before '='"};
        }
        Next();
        assign.children.push_back(ParseExpression(kLowest));
        statement = std::move(assign);
        *assigns = true;
      }
      program.children.push_back(std::move(statement));
      if (!IsSymbol(";")) break;
      Next();
      if (Peek().kind == Tok::kEnd) break;
    }
    ExpectEnd();
    if (program.children.size() == 1 && !*assigns) return std::move(program.children[0]);
    return program;
  }

  // Items separated by ',' are alternatives, each a unary test (see
  // UnaryTest). A blank cell matches everything.
  Node ParseUnaryProgram() {
    if (Peek().kind == Tok::kEnd) {
      Node always = MakeNode(NodeKind::kLiteral, 1);
      always.literal = Value(true);
      return always;
    }
    Node result;
    bool first = true;
    while (true) {
      Node item = UnaryTest(ParseExpression(kLowest));
      if (first) {
        result = std::move(item);
      } else {
        Node either = MakeNode(NodeKind::kOr, item.column);
        either.children.push_back(std::move(result));
        either.children.push_back(std::move(item));
        result = std::move(either);
      }
      first = false;
      if (!IsSymbol(",")) break;
      Next();
    }
    ExpectEnd();
    return result;
  }

  Node ParseExpression(int min_prec) {
    Node left = ParsePrefix();
    while (true) {
      const Token& t = Peek();
      if (t.kind == Tok::kIdent && (t.text == "and" || t.text == "or")) {
        bool is_and = t.text == "and";
        int prec = is_and ? kAnd : kOr;
        if (prec < min_prec) break;
        left = Logical(is_and, std::move(left), prec);
        continue;
      }
      if (t.kind == Tok::kIdent && (t.text == "in" || (t.text == "not" && PeekAt(1).text == "in"))) {
        if (kCompare < min_prec) break;
        Node in = MakeNode(NodeKind::kIn, t.column);
        in.a = t.text == "not";
        Next();
        if (in.a) Next();
        in.children.push_back(std::move(left));
        in.children.push_back(ParseExpression(kCompare + 1));
        left = std::move(in);
        continue;
      }
      if (t.kind != Tok::kSymbol) break;
      const std::string& s = t.text;
      if (s == "&&" || s == "||") {
        int prec = s == "&&" ? kAnd : kOr;
        if (prec < min_prec) break;
        left = Logical(s == "&&", std::move(left), prec);
        continue;
      }
      if (s == "?") {
        if (kTernary < min_prec) break;
        Node ternary = MakeNode(NodeKind::kTernary, t.column);
        Next();
        ternary.children.push_back(std::move(left));
        ternary.children.push_back(ParseExpression(kTernary));
        Expect(":");
        ternary.children.push_back(ParseExpression(kTernary));
        left = std::move(ternary);
        continue;
      }
      if (s == "??") {
        if (kCoalesce < min_prec) break;
        Node coalesce = MakeNode(NodeKind::kCoalesce, t.column);
        Next();
        coalesce.children.push_back(std::move(left));
        coalesce.children.push_back(ParseExpression(kCoalesce + 1));
        left = std::move(coalesce);
        continue;
      }
      BinaryOp op;
      int prec;
      if (!BinaryOperator(s, &op, &prec) || prec < min_prec) break;
      int column = t.column;
      Next();
      // `^` is right-associative; the rest associate to the left.
      Node right = ParseExpression(op == BinaryOp::kPow ? prec : prec + 1);
      left = Binary(op, std::move(left), std::move(right), column);
    }
    return left;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& PeekAt(size_t k) const { return tokens_[std::min(pos_ + k, tokens_.size() - 1)]; }
  Token Next() {
    Token t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool IsSymbol(const char* s) const { return Peek().kind == Tok::kSymbol && Peek().text == s; }
  void Expect(const char* s) {
    if (!IsSymbol(s))
      throw ParseError{Peek().column, std::string("expected '") + s + "' but found " + Describe(Peek())};
    Next();
  }
  void ExpectEnd() {
    if (Peek().kind != Tok::kEnd)
      throw ParseError{Peek().column, "expected end of expression but found " + Describe(Peek())};
  }

  static bool BinaryOperator(const std::string& s, BinaryOp* op, int* prec) {
    static const std::pair<const char*, std::pair<BinaryOp, int>> kOps[] = {
        {"+", {BinaryOp::kAdd, kAdditive}},       {"-", {BinaryOp::kSub, kAdditive}},
        {"*", {BinaryOp::kMul, kMultiplicative}}, {"/", {BinaryOp::kDiv, kMultiplicative}},
        {"%", {BinaryOp::kRem, kMultiplicative}}, {"^", {BinaryOp::kPow, kPower}},
        {"==", {BinaryOp::kEq, kCompare}},        {"!=", {BinaryOp::kNe, kCompare}},
        {"<", {BinaryOp::kLt, kCompare}},         {"<=", {BinaryOp::kLe, kCompare}},
        {">", {BinaryOp::kGt, kCompare}},         {">=", {BinaryOp::kGe, kCompare}},
    };
    for (const auto& [text, spec] : kOps) {
      if (s == text) {
        *op = spec.first;
        *prec = spec.second;
        return true;
      }
    }
    return false;
  }

  static Node Binary(BinaryOp op, Node left, Node right, int column) {
    Node n = MakeNode(NodeKind::kBinary, column);
    n.op = op;
    n.children.push_back(std::move(left));
    n.children.push_back(std::move(right));
    return n;
  }

  Node Logical(bool is_and, Node left, int prec) {
    Node n = MakeNode(is_and ? NodeKind::kAnd : NodeKind::kOr, Peek().column);
    Next();
    Node right = ParseExpression(prec + 1);
    n.children.push_back(std::move(left));
    n.children.push_back(std::move(right));
    return n;
  }

  static Node Dollar(int column) {
    Node n = MakeNode(NodeKind::kVariable, column);
    n.name = "$";
    return n;
  }
  // One entry of a unary test, as ZEN reads it: the operands of top-level
  // `and`/`or` are entries themselves (`'a' or 'b'`, `[1..5] and > 2`); an
  // interval means `$ in` it; a comparison is the result, whether on `$`
  // (`> 5` is `$ > 5`) or not (`len(items) > 5`, as the reference engine
  // decides it); anything else is evaluated and matched against `$` (kUnaryTest).
  static Node UnaryTest(Node n) {
    if (n.kind == NodeKind::kAnd || n.kind == NodeKind::kOr) {
      for (Node& c : n.children) c = UnaryTest(std::move(c));
      return n;
    }
    if (n.kind == NodeKind::kInterval) return InDollar(std::move(n));
    bool references_dollar = ReferencesDollar(n);
    bool is_condition = (n.kind == NodeKind::kBinary && n.op >= BinaryOp::kEq) || n.kind == NodeKind::kIn;
    if (is_condition) return n;
    Node test = MakeNode(NodeKind::kUnaryTest, n.column);
    test.a = references_dollar;
    test.children.push_back(std::move(n));
    return test;
  }
  static Node InDollar(Node interval) {
    Node in = MakeNode(NodeKind::kIn, interval.column);
    in.children.push_back(Dollar(interval.column));
    in.children.push_back(std::move(interval));
    return in;
  }
  static bool ReferencesDollar(const Node& n) {
    if (n.kind == NodeKind::kVariable && n.name == "$") return true;
    for (const Node& c : n.children) {
      if (ReferencesDollar(c)) return true;
    }
    return false;
  }
  static bool AssignmentPath(const Node& n, std::vector<std::string>* path) {
    if (n.kind == NodeKind::kVariable) {
      path->push_back(n.name);
      return true;
    }
    if (n.kind == NodeKind::kMember && AssignmentPath(n.children[0], path)) {
      path->push_back(n.name);
      return true;
    }
    return false;
  }

  Node ParsePrefix() {
    Token t = Next();
    switch (t.kind) {
      case Tok::kEnd:
        throw ParseError{t.column, "expected an expression but found end of expression"};
      case Tok::kNumber: {
        auto d = Decimal::Parse(t.text);
        if (!d) throw ParseError{t.column, "number '" + t.text + "' is out of range"};
        Node n = MakeNode(NodeKind::kLiteral, t.column);
        n.literal = Value(*d);
        return ParsePostfix(std::move(n));
      }
      case Tok::kString: {
        Node n = MakeNode(NodeKind::kLiteral, t.column);
        n.literal = Value(t.text);
        return ParsePostfix(std::move(n));
      }
      case Tok::kTemplate:
        return ParsePostfix(ParseTemplate(t));
      case Tok::kHash: {
        if (scopes_.empty())
          throw ParseError{t.column, "'#' is only valid inside a closure such as map(items, # * 2)"};
        Node n = MakeNode(NodeKind::kClosureRef, t.column);
        n.slot = static_cast<int>(scopes_.size()) - 1;
        return ParsePostfix(std::move(n));
      }
      case Tok::kIdent:
        return ParsePostfix(ParseIdentifier(t));
      case Tok::kSymbol:
        break;
    }
    const std::string& s = t.text;
    if (s == "(") {
      Node inner = ParseExpression(kLowest);
      if (IsSymbol("..")) return ParseInterval(std::move(inner), false, t.column);
      Expect(")");
      return ParsePostfix(std::move(inner));
    }
    if (s == "[") {
      Node array = MakeNode(NodeKind::kArray, t.column);
      if (IsSymbol("]")) {
        Next();
        return ParsePostfix(std::move(array));
      }
      Node first = ParseExpression(kLowest);
      if (IsSymbol("..")) return ParseInterval(std::move(first), true, t.column);
      array.children.push_back(std::move(first));
      while (IsSymbol(",")) {
        Next();
        if (IsSymbol("]")) break;
        array.children.push_back(ParseExpression(kLowest));
      }
      Expect("]");
      return ParsePostfix(std::move(array));
    }
    if (s == "{") return ParsePostfix(ParseObject(t.column));
    if (s == "-") {
      // Unary minus binds tighter than `^`, as in ZEN (and Excel): -2 ^ 2 == 4.
      Node operand = ParsePrefix();
      if (operand.kind == NodeKind::kLiteral && operand.literal.is_number()) {
        operand.literal = Value(operand.literal.as_number().Negate());
        operand.column = t.column;
        return operand;
      }
      Node n = MakeNode(NodeKind::kNegate, t.column);
      n.children.push_back(std::move(operand));
      return n;
    }
    if (s == "!") return Not(t.column);
    if (unary_) {
      BinaryOp op;
      int prec;
      if (BinaryOperator(s, &op, &prec) && prec == kCompare) {
        // A cell such as `> 5` compares `$` with the operand.
        return Binary(op, Dollar(t.column), ParseExpression(kCompare + 1), t.column);
      }
    }
    throw ParseError{t.column, "expected an expression but found " + Describe(t)};
  }

  // `not` binds tighter than comparisons and looser than arithmetic, as in
  // ZEN: `not 1 in [1]` is `(not 1) in [1]`, a type error.
  Node Not(int column) {
    Node n = MakeNode(NodeKind::kNot, column);
    n.children.push_back(ParseExpression(kAdditive));
    return n;
  }

  Node ParseIdentifier(const Token& t) {
    const std::string& name = t.text;
    if (name == "true" || name == "false") {
      Node n = MakeNode(NodeKind::kLiteral, t.column);
      n.literal = Value(name == "true");
      return n;
    }
    if (name == "null") return MakeNode(NodeKind::kLiteral, t.column);
    if (name == "not") return Not(t.column);
    if (IsSymbol("(")) return ParseCall(t);
    for (int i = static_cast<int>(scopes_.size()) - 1; i >= 0; --i) {
      if (scopes_[i] == name) {
        Node n = MakeNode(NodeKind::kClosureRef, t.column);
        n.slot = i;
        return n;
      }
    }
    if (name == "$root") return MakeNode(NodeKind::kRoot, t.column);
    Node n = MakeNode(NodeKind::kVariable, t.column);
    n.name = name;
    return n;
  }

  // Comma-separated arguments up to and including the closing ')', appended to `call`.
  void ParseArguments(Node& call) {
    if (!IsSymbol(")")) {
      call.children.push_back(ParseExpression(kLowest));
      while (IsSymbol(",")) {
        Next();
        call.children.push_back(ParseExpression(kLowest));
      }
    }
    Expect(")");
  }

  Node ParseCall(const Token& t) {
    const FunctionSpec* spec = nullptr;
    for (const FunctionSpec& f : kFunctions) {
      if (t.text == f.name) spec = &f;
    }
    if (!spec) throw ParseError{t.column, "unknown function '" + t.text + "'"};
    Next();  // (
    Node call = MakeNode(spec->closure ? NodeKind::kClosure : NodeKind::kCall, t.column);
    call.function = spec->id;
    call.name = t.text;
    if (spec->closure) {
      call.children.push_back(ParseExpression(kLowest));
      std::string alias = "#";
      if (Peek().kind == Tok::kIdent && Peek().text == "as") {
        Next();
        Token name = Next();
        if (name.kind != Tok::kIdent)
          throw ParseError{name.column, "expected a name after 'as' but found " + Describe(name)};
        alias = name.text;
      }
      Expect(",");
      call.slot = static_cast<int>(scopes_.size());
      scopes_.push_back(alias);
      call.children.push_back(ParseExpression(kLowest));
      scopes_.pop_back();
      Expect(")");
      return call;
    }
    ParseArguments(call);
    int n = static_cast<int>(call.children.size());
    if (n < spec->min_args || n > spec->max_args) {
      throw ParseError{t.column,
                       t.text + "() takes " + std::to_string(spec->min_args) +
                           (spec->max_args != spec->min_args ? " to " + std::to_string(spec->max_args) : "") +
                           " argument(s), got " + std::to_string(n)};
    }
    return call;
  }

  Node ParseInterval(Node low, bool low_closed, int column) {
    Next();  // ..
    Node interval = MakeNode(NodeKind::kInterval, column);
    interval.a = low_closed;
    interval.children.push_back(std::move(low));
    interval.children.push_back(ParseExpression(kLowest));
    if (IsSymbol("]")) {
      interval.b = true;
    } else if (!IsSymbol(")")) {
      throw ParseError{Peek().column,
                       "expected ']' or ')' to close the interval but found " + Describe(Peek())};
    }
    Next();
    return interval;
  }

  Node ParseObject(int column) {
    Node object = MakeNode(NodeKind::kObject, column);
    while (!IsSymbol("}")) {
      Token key = Next();
      Node key_node = MakeNode(NodeKind::kLiteral, key.column);
      if (key.kind == Tok::kIdent || key.kind == Tok::kString || key.kind == Tok::kNumber) {
        key_node.literal = Value(key.text);
      } else if (key.kind == Tok::kSymbol && key.text == "[") {
        key_node = ParseExpression(kLowest);
        Expect("]");
      } else if (key.kind == Tok::kTemplate) {
        key_node = ParseTemplate(key);
      } else {
        throw ParseError{key.column, "expected an object key but found " + Describe(key)};
      }
      Expect(":");
      object.children.push_back(std::move(key_node));
      object.children.push_back(ParseExpression(kLowest));
      if (!IsSymbol(",")) break;
      Next();
    }
    Expect("}");
    return object;
  }

  Node ParseTemplate(const Token& t) {
    Node tmpl = MakeNode(NodeKind::kTemplate, t.column);
    const std::string& raw = t.text;
    std::string literal;
    size_t i = 0;
    auto flush = [&] {
      if (literal.empty()) return;
      Node n = MakeNode(NodeKind::kLiteral, t.column);
      n.literal = Value(std::move(literal));
      tmpl.children.push_back(std::move(n));
      literal.clear();
    };
    while (i < raw.size()) {
      if (raw[i] == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
        size_t start = i + 2, j = start;
        int depth = 1;
        for (; j < raw.size(); ++j) {
          if (raw[j] == '{') ++depth;
          if (raw[j] == '}' && --depth == 0) break;
        }
        flush();
        Parser inner(std::string_view(raw).substr(start, j - start), unary_,
                     t.column + 1 + static_cast<int>(start), scopes_);
        Node part = inner.ParseExpression(kLowest);
        inner.ExpectEnd();
        tmpl.children.push_back(std::move(part));
        i = j + 1;
      } else {
        literal += raw[i++];
      }
    }
    flush();
    return tmpl;
  }

  Node ParsePostfix(Node target) {
    while (Peek().kind == Tok::kSymbol) {
      const Token& t = Peek();
      if (t.text == ".") {
        Next();
        Token name = Next();
        if (name.kind != Tok::kIdent)
          throw ParseError{name.column, "expected a property name after '.' but found " + Describe(name)};
        if (IsSymbol("(")) {
          target = ParseMethod(std::move(target), name);
          continue;
        }
        Node member = MakeNode(NodeKind::kMember, name.column);
        member.name = name.text;
        member.children.push_back(std::move(target));
        target = std::move(member);
      } else if (t.text == "[") {
        int column = t.column;
        Next();
        Node from, to;
        bool has_from = false, has_to = false;
        if (!IsSymbol(":")) {
          from = ParseExpression(kLowest);
          has_from = true;
        }
        if (IsSymbol(":")) {
          Next();
          if (!IsSymbol("]")) {
            to = ParseExpression(kLowest);
            has_to = true;
          }
          Expect("]");
          Node slice = MakeNode(NodeKind::kSlice, column);
          slice.a = has_from;
          slice.b = has_to;
          slice.children.push_back(std::move(target));
          slice.children.push_back(has_from ? std::move(from) : MakeNode(NodeKind::kLiteral, column));
          slice.children.push_back(has_to ? std::move(to) : MakeNode(NodeKind::kLiteral, column));
          target = std::move(slice);
          continue;
        }
        Expect("]");
        Node index = MakeNode(NodeKind::kIndex, column);
        index.children.push_back(std::move(target));
        index.children.push_back(std::move(from));
        target = std::move(index);
      } else {
        break;
      }
    }
    return target;
  }

  Node ParseMethod(Node receiver, const Token& name) {
    const DateMethod* method = nullptr;
    for (const auto& [text, id] : kMethods) {
      if (name.text == text) method = &id;
    }
    if (!method) throw ParseError{name.column, "unknown method '" + name.text + "'"};
    Node call = MakeNode(NodeKind::kMethod, name.column);
    call.function = static_cast<int>(*method);
    call.name = name.text;
    call.children.push_back(std::move(receiver));
    Next();  // (
    ParseArguments(call);
    return call;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  bool unary_;
  std::vector<std::string> scopes_;  // closure aliases, innermost last ("#" when unnamed)
};

// Replaces subtrees that depend on nothing (no variables, no clock, no rand)
// by their value, so `[1, 2, 3]` or `'a' + 'b'` cost nothing per evaluation.
bool IsPure(const Node& n) {
  switch (n.kind) {
    case NodeKind::kVariable:
    case NodeKind::kRoot:
    case NodeKind::kClosureRef:
    case NodeKind::kClosure:
    case NodeKind::kAssign:
    case NodeKind::kProgram:
    case NodeKind::kMethod:
    case NodeKind::kInterval:
    case NodeKind::kUnaryTest:
      return false;
    case NodeKind::kCall:
      if (n.function == int(Builtin::kRand) || n.function == int(Builtin::kD)) return false;
      for (const Node& c : n.children) {  // date('now') and friends read the clock
        if (c.literal.is_string() && c.literal.as_string() == "now") return false;
      }
      break;
    default:
      break;
  }
  for (const Node& c : n.children) {
    if (c.kind != NodeKind::kLiteral) return false;
  }
  return true;
}

void FoldConstants(Node& n) {
  for (Node& c : n.children) FoldConstants(c);
  if (n.kind == NodeKind::kLiteral || !IsPure(n)) return;
  Program tiny;
  tiny.root = n;
  try {
    Value v = EvaluateProgram(tiny, Value(), EvalContext{});
    n.children.clear();
    n.kind = NodeKind::kLiteral;
    n.literal = std::move(v);
  } catch (const EvalError&) {
    // Leave it: the error is reported when (if) the expression runs.
  }
}

Result<std::shared_ptr<const Program>> BuildProgram(std::string_view text, bool unary) {
  auto program = std::make_shared<Program>();
  program->text = std::string(text);
  program->unary = unary;
  try {
    Parser parser(text, unary, 1, {});
    program->root = unary ? parser.ParseUnaryProgram() : parser.ParseStandardProgram(&program->assigns);
  } catch (const ParseError& e) {
    return Status::Invalid("column " + std::to_string(e.column) + ": " + e.message,
                           std::string(unary ? "unary" : "expression") + " '" + std::string(text) + "'");
  }
  FoldConstants(program->root);
  return std::shared_ptr<const Program>(std::move(program));
}

}  // namespace

Result<CompiledExpression> CompileStandard(std::string_view text) {
  CREDO_ASSIGN_OR_RETURN(auto program, BuildProgram(text, false));
  return CompiledExpression(std::move(program));
}

Result<CompiledExpression> CompileUnary(std::string_view text) {
  CREDO_ASSIGN_OR_RETURN(auto program, BuildProgram(text, true));
  return CompiledExpression(std::move(program));
}

const std::string& CompiledExpression::text() const { return program_->text; }

namespace {
// Adds the literals of `n` when it is `$ == literal` (an entry matched
// against `$` that is a scalar literal) or an `or` of such; false otherwise.
bool CollectEqualityLiterals(const Node& n, std::vector<Value>& out) {
  if (n.kind == NodeKind::kOr) {
    return CollectEqualityLiterals(n.children[0], out) && CollectEqualityLiterals(n.children[1], out);
  }
  if (n.kind != NodeKind::kUnaryTest || n.a || n.children[0].kind != NodeKind::kLiteral) return false;
  const Value& literal = n.children[0].literal;
  if (!literal.is_string() && !literal.is_number() && !literal.is_bool()) return false;
  out.push_back(literal);
  return true;
}
}  // namespace

std::optional<std::vector<Value>> CompiledExpression::EqualityLiterals() const {
  std::vector<Value> literals;
  if (!program_->unary || !CollectEqualityLiterals(program_->root, literals)) return std::nullopt;
  return literals;
}

Result<Value> CompiledExpression::Evaluate(const Value& input, const EvalContext& context) const {
  try {
    return EvaluateProgram(*program_, input, context);
  } catch (const EvalError& e) {
    return Status::Invalid("column " + std::to_string(e.column) + ": " + e.message,
                           "expression '" + program_->text + "'");
  }
}

bool CompiledExpression::Holds(const Value& input, const EvalContext& context) const {
  try {
    return ProgramHolds(*program_, input, context);
  } catch (const EvalError&) {
    return false;
  }
}

}  // namespace credo::expr
