// features/record_document.h — an applicant document in the compact form the
// feature plan computes on.
//
// An applicant document is a JSON object: top-level application fields plus
// record lists (arrays of objects, each with a `date`), possibly nested
// (`status_history` inside each `bureau_accounts` record). A plan reads only
// some lists and some of their fields; a DocumentSchema says which, and the
// two readers keep exactly those, column by column:
//   ParseDocumentJson  from JSON text (the batch path: a hand-written scanner,
//                      about ten times faster than building nlohmann::json);
//   ReadDocumentValue  from an expr::Value (the decision engine's request).
// Both give the same ParsedDocument for the same document, which is what
// makes batch and online features identical.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "expr/value.h"

namespace credo::features {

// The kind of one field value.
enum class CellKind : uint8_t { kAbsent, kNull, kFalse, kTrue, kNumber, kString, kOther };

// One field value of a record or of the document. Text views point into the
// JSON text, the document's arena or the expr::Value read, which must
// outlive the ParsedDocument's use.
struct Cell {
  CellKind kind = CellKind::kAbsent;
  uint32_t other = 0;     // kOther (an array or object): index into ParsedDocument::others
  double number = 0;      // kNumber (never -0)
  std::string_view text;  // kString
};

// The lists and fields a plan reads. Lists are numbered in the order they
// were added; a nested list comes after its parent.
class DocumentSchema {
 public:
  struct List {
    std::string key;                  // the member name in the parent record (or the document)
    std::string path;                 // dot-separated from the document: "bureau_accounts.status_history"
    int parent = -1;                  // the enclosing list, -1 for a top-level list
    std::vector<std::string> fields;  // the record fields kept, by slot
    std::vector<int> children;        // nested lists
  };

  // The list at `path`, added (with its enclosing lists) if new.
  int AddList(const std::string& path);
  // The slot of `field` in `list`, added if new.
  int AddField(int list, const std::string& field);
  // Keep this top-level member even when it is an array or object (derived
  // features may read it); scalars are always kept.
  void AddTopLevelObject(const std::string& name);

  const std::vector<List>& lists() const { return lists_; }
  const std::vector<int>& top_lists() const { return top_lists_; }
  const std::vector<std::string>& top_level_objects() const { return top_level_objects_; }
  // The list with `path`, or -1.
  int FindList(std::string_view path) const;
  // The list among `children` (list numbers) whose key is `key`, or -1.
  int FindChild(const std::vector<int>& children, std::string_view key) const;
  // Whether AddTopLevelObject was called with `name`.
  bool IsTopLevelObject(std::string_view name) const;

 private:
  std::vector<List> lists_;
  std::vector<int> top_lists_;
  std::vector<std::string> top_level_objects_;
};

// The records of one list across the whole document (nested lists: the
// records of every parent record, in document order).
struct ParsedList {
  std::vector<int32_t> date;     // days since 1970-01-01
  std::vector<int32_t> parent;   // index of the enclosing record in the parent list, -1 at top level
  std::vector<int32_t> ordinal;  // position in its own array, for error messages
  std::vector<Cell> cells;       // records x schema fields, row by row
  size_t size() const { return date.size(); }
};

// A document as the schema sees it. Reused across documents (Clear keeps
// the capacity), one per thread.
struct ParsedDocument {
  std::vector<ParsedList> lists;                       // by schema list
  std::vector<std::pair<std::string_view, Cell>> top;  // top-level members other than lists, in order
  std::vector<expr::Value> others;                     // values of kOther cells
  std::string arena;                                   // unescaped JSON strings

  void Clear(const DocumentSchema& schema);
  // The top-level member `name`, or nullptr.
  const Cell* FindTop(std::string_view name) const;
  // "bureau_accounts[3].status_history[0]": where record `index` of `list` is.
  std::string RecordPath(const DocumentSchema& schema, int list, int index) const;
  // "bureau_accounts[3].status_history": where `list` is inside record `parent`
  // of its enclosing list (-1 for a top-level list).
  std::string ListPath(const DocumentSchema& schema, int list, int parent) const;
};

// For the readers: marks `list` (one of `siblings`, the lists of one object)
// as met in the bit set `seen`; a list given twice in one object is an error.
Status MarkListOnce(uint64_t* seen, int list, const std::vector<int>& siblings, std::string_view key);

// Reads one JSON document (an object) into `out`. Errors are data errors:
// not valid JSON (with the byte column), a list that is not an array, a
// record that is not an object, a record without a valid `date`.
Status ParseDocumentJson(const DocumentSchema& schema, std::string_view json, ParsedDocument* out);

// The same from a document already parsed into a Value.
Status ReadDocumentValue(const DocumentSchema& schema, const expr::Value& document, ParsedDocument* out);

// The Value of a cell, as ZEN expressions see it.
expr::Value CellValue(const Cell& cell, const ParsedDocument& doc);

// A double as a ZEN number: the shortest decimal that reads back as the same
// double (as Value::FromJson converts JSON numbers); NaN and infinities are null.
expr::Value NumberValue(double number);

// Parses a record or observation date: "YYYY-MM-DD", optionally followed by
// a time ("T..." or " ..."), which is ignored. Days since 1970-01-01.
Result<int32_t> ParseDay(std::string_view text);

}  // namespace credo::features
