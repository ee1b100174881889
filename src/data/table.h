// data/table.h — a columnar in-memory table read from CSV/TSV files.
//
// Each column has one type, inferred from its values or declared by the
// caller: numeric (double, NaN = missing), categorical (level codes,
// -1 = missing) or date (days since 1970-01-01 as double, NaN = missing).
// A Table is a plain value: copy it, move it, read it from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace credo::data {

enum class ColumnType { kNumeric, kCategorical, kDate };

// "numeric", "categorical", "date".
const char* ColumnTypeName(ColumnType type);

// One named column. Exactly one of `numbers` (numeric, date) or `codes`
// (categorical) holds the values; the other is empty.
struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<double> numbers;      // numeric value or days since epoch; NaN = missing
  std::vector<int32_t> codes;       // index into `levels`; -1 = missing
  std::vector<std::string> levels;  // categorical levels in order of first appearance

  size_t size() const { return type == ColumnType::kCategorical ? codes.size() : numbers.size(); }
  bool IsMissing(size_t row) const;
  size_t CountMissing() const;
  // The value of `row` as text: a number ("12.5"), a level, a date, or "" when missing.
  std::string ValueText(size_t row) const;
};

// A set of equally long columns, remembering the file it came from so that
// errors can name it.
class Table {
 public:
  Table() = default;
  explicit Table(std::string source) : source_(std::move(source)) {}

  size_t num_rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  size_t num_columns() const { return columns_.size(); }
  const Column& column(size_t i) const { return columns_[i]; }
  Column& mutable_column(size_t i) { return columns_[i]; }
  const std::vector<Column>& columns() const { return columns_; }
  // The file the table was read from ("" if built in memory).
  const std::string& source() const { return source_; }

  // nullptr when there is no such column.
  const Column* Find(std::string_view name) const;
  // The column index, or NotFound naming the file and the available columns.
  Result<size_t> IndexOf(std::string_view name) const;

  // Appends a column; it must have num_rows() values (or be the first).
  Status AddColumn(Column column);
  // A new table with only the given rows, in the given order.
  Table TakeRows(const std::vector<size_t>& rows) const;

 private:
  std::string source_;
  std::vector<Column> columns_;
};

// How to read a delimited text file.
struct ReadOptions {
  // ',', ';' or '\t'; 0 detects it from the header line.
  char delimiter = 0;
  // Cells equal to one of these (after trimming spaces) are missing.
  std::vector<std::string> missing_tokens = {"", "NA", "NaN", "nan", "null", "NULL", "N/A"};
  // Columns whose type is declared rather than inferred (for example the
  // schema of a model at scoring time). A value that does not fit is an
  // error naming its line and column.
  std::map<std::string, ColumnType, std::less<>> column_types;
  // Read only these columns, in this order (all, in file order, when empty).
  // Unknown names are NotFound.
  std::vector<std::string> only_columns;
  // Stop after this many data rows (0 = all).
  size_t max_rows = 0;
};

// Reads a CSV/TSV file, plain or gzip-compressed (detected by content), with
// RFC 4180 quoting (embedded delimiters, doubled quotes, newlines), an
// optional UTF-8 BOM, and a header line. Header names and cells are trimmed
// of spaces; an empty header cell is named "unnamed_N" (N = 1-based
// position). Errors name file:line:column (column = 1-based field number).
//
// A column not declared in `options.column_types` is numeric if every
// present value is a finite number ("+3", " 1e3 " allowed; "inf" is not),
// date if every one is YYYY-MM-DD or YYYY/MM/DD, numeric and all NaN if none
// is present, else categorical with its levels in order of first appearance.
// A column of at least 20 numbers (dates) that make up 95% of its present
// values is taken to be numeric (date) with a few bad values: an error naming
// the first. Declared types for columns the file lacks are ignored.
// Memory is about that of the finished columns; a column that turns
// categorical after many numbers is read a second time for its levels.
Result<Table> ReadCsv(const std::string& path, const ReadOptions& options = {});

// The same over text already in memory; `source` names it in errors.
Result<Table> ParseCsv(std::string_view text, const std::string& source, const ReadOptions& options = {});

}  // namespace credo::data
