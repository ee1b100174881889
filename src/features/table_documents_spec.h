// features/table_documents_spec.h — the spec (YAML) that says how relational
// CSV tables become applicant documents (`credo features docs`).
//
// One root table gives one document per row; child tables become record
// lists, joined to their parent by key and nested to any depth. Each
// record's `date` is the spec's constant observation date plus a days or
// months offset column. docs/table_documents.md documents the schema; its
// example is examples/home_credit/tables.yaml.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "core/status.h"

namespace credo::features {

// A name written in the spec, with the 1-based line it is on (for errors).
struct SpecName {
  std::string text;
  int line = 0;
};

// How a table's column names become field names.
enum class FieldNaming { kAsIs, kLowerCase };

// The unit of a record's date-offset column.
enum class OffsetUnit { kDays, kMonths };

// How one CSV table becomes the documents (the root) or a record list.
struct TableSpec {
  int line = 0;         // where the table's mapping starts in the spec
  SpecName name;        // the record list's name (empty for the root)
  SpecName file;        // the CSV file (gzip allowed), relative to the tables directory
  SpecName key;         // this table's key column; required when it has lists
  SpecName parent_key;  // lists: the column holding the parent row's key
  FieldNaming field_names = FieldNaming::kAsIs;
  std::vector<SpecName> text_columns;  // read as text even when every value is a number
  std::vector<SpecName> omit;          // columns left out of the output
  OffsetUnit date_unit = OffsetUnit::kDays;
  SpecName date_offset;  // lists: the offset column of the record's date
  std::vector<TableSpec> lists;
};

// A whole spec.
struct DocumentSpec {
  std::string source;          // the spec file, for errors
  CivilDate observation_date;  // the anchor of every date offset, written to every document
  TableSpec root;
};

// Reads and checks a spec file. Errors (bad YAML, an unknown or missing
// key, a bad value) name the file and the line.
Result<DocumentSpec> LoadDocumentSpec(const std::string& path);

// The same over YAML text; `source` names it in errors.
Result<DocumentSpec> ParseDocumentSpec(std::string_view yaml, const std::string& source);

}  // namespace credo::features
