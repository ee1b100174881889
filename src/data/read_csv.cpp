// ReadCsv and ParseCsv: a delimited text file into a typed Table.
//
// The file is read once. Each column keeps its values in the form its values
// so far allow (numbers, dates or level codes), so memory is about the size
// of the finished columns. A column whose values were all numbers (or dates)
// and that turns out categorical late in the file has dropped its values; for
// those columns alone the file is read a second time to collect the levels.
#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/civil_date.h"
#include "data/column_names.h"
#include "data/csv.h"
#include "data/table.h"

namespace credo::data {
namespace {

// A column with at least this many numbers (or dates), making up at least
// 19/20 of its present values, is a numeric (or date) column with a few bad
// values rather than a categorical one.
constexpr size_t kMinTypedValues = 20;
constexpr size_t kTypedShareNumerator = 19;
constexpr size_t kTypedShareDenominator = 20;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A whole trimmed cell as a finite number; a leading '+' is allowed.
bool ParseNumber(std::string_view text, double* value) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;
  }
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, *value);
  return error == std::errc() && stop == end && std::isfinite(*value);
}

// A trimmed cell as days since 1970-01-01, from YYYY-MM-DD or YYYY/MM/DD.
bool ParseDate(std::string_view text, double* days) {
  if (text.size() != 10 || (text[4] != '-' && text[4] != '/')) return false;  // cheap test first
  const Result<CivilDate> date = CivilDate::Parse(text);
  if (!date.ok()) return false;
  *days = date->days_since_epoch();
  return true;
}

// "file:line:column" with a 1-based column (field) number.
std::string Place(const std::string& source, size_t line, size_t field_number) {
  return source + ":" + std::to_string(line) + ":" + std::to_string(field_number);
}

// The missing-value tokens, trimmed, with a quick rejection by length.
class MissingTokens {
 public:
  explicit MissingTokens(const std::vector<std::string>& tokens) {
    for (const std::string& token : tokens) {
      const std::string_view trimmed = Trim(token);
      tokens_.emplace_back(trimmed);
      if (trimmed.size() < 64) {
        length_mask_ |= uint64_t{1} << trimmed.size();
      } else {
        has_long_token_ = true;
      }
    }
  }

  // `cell` must be trimmed.
  bool Contains(std::string_view cell) const {
    const bool length_matches = cell.size() < 64 ? (length_mask_ >> cell.size() & 1) != 0 : has_long_token_;
    if (!length_matches) return false;
    for (const std::string& token : tokens_) {
      if (token == cell) return true;
    }
    return false;
  }

 private:
  std::vector<std::string> tokens_;
  uint64_t length_mask_ = 0;  // bit n: some token has n characters
  bool has_long_token_ = false;
};

// Level codes in order of first appearance; looks levels up without copying them.
class LevelCoder {
 public:
  int32_t Code(std::string_view level, std::vector<std::string>* levels) {
    const auto found = index_.find(level);
    if (found != index_.end()) return found->second;
    const auto code = static_cast<int32_t>(levels->size());
    levels->emplace_back(level);
    index_.emplace(std::string(level), code);
    return code;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> index_;
};

// The first cell of some kind in a column, kept to name it in an error.
struct CellNote {
  size_t line = 0;
  std::string text;
};

// One column being read.
class ColumnBuilder {
 public:
  ColumnBuilder(std::string name, size_t position, std::optional<ColumnType> declared)
      : position_(position), declared_(declared) {
    column_.name = std::move(name);
    if (declared) {
      storage_ = *declared == ColumnType::kCategorical ? Storage::kLevels
                 : *declared == ColumnType::kDate      ? Storage::kDates
                                                       : Storage::kNumbers;
    }
  }

  // 0-based field position in the file.
  size_t position() const { return position_; }

  // Takes one cell of the column, found on `line`. Fails only for a value
  // that does not fit a declared type.
  Status Add(std::string_view raw, size_t line, const MissingTokens& missing, const std::string& source) {
    const std::string_view cell = Trim(raw);
    if (missing.Contains(cell)) {
      ++num_missing_;
      if (storage_ == Storage::kLevels) {
        column_.codes.push_back(-1);
      } else if (storage_ != Storage::kDropped) {
        column_.numbers.push_back(NAN);
      }
      return Status::Ok();
    }
    if (declared_) return AddDeclared(cell, line, source);
    double value = 0;
    if (ParseNumber(cell, &value)) {
      ++num_numbers_;
      Note(&first_non_date_, cell, line);
      Store(Storage::kNumbers, value, cell);
    } else if (ParseDate(cell, &value)) {
      ++num_dates_;
      Note(&first_non_number_, cell, line);
      Store(Storage::kDates, value, cell);
    } else {
      Note(&first_non_number_, cell, line);
      Note(&first_non_date_, cell, line);
      Store(Storage::kLevels, value, cell);
    }
    return Status::Ok();
  }

  // Settles the column's type once all `num_rows` cells are in. Returns true
  // when the column is categorical but its levels must be read again
  // (AddLevelAgain); fails for a numeric or date column with a few bad values.
  Result<bool> Finish(size_t num_rows, const std::string& source) {
    if (declared_) {
      column_.type = *declared_;
      return false;
    }
    const size_t num_present = num_rows - num_missing_;
    if (num_numbers_ == num_present) {  // also a column with no values at all
      assert(storage_ == Storage::kNumbers || storage_ == Storage::kUndecided);
      column_.type = ColumnType::kNumeric;
      return false;
    }
    if (num_dates_ == num_present) {
      assert(storage_ == Storage::kDates);
      column_.type = ColumnType::kDate;
      return false;
    }
    CREDO_RETURN_IF_ERROR(
        CheckMostlyOfOneKind(num_numbers_, num_present, first_non_number_, "a number", "numbers", source));
    CREDO_RETURN_IF_ERROR(
        CheckMostlyOfOneKind(num_dates_, num_present, first_non_date_, "a date", "dates", source));
    column_.type = ColumnType::kCategorical;
    if (storage_ != Storage::kDropped) return false;
    column_.codes.reserve(num_rows);
    return true;
  }

  // Takes one cell again, in the second reading of a column that Finish()
  // found categorical after dropping its values.
  void AddLevelAgain(std::string_view raw, const MissingTokens& missing) {
    const std::string_view cell = Trim(raw);
    column_.codes.push_back(missing.Contains(cell) ? -1 : coder_.Code(cell, &column_.levels));
  }

  Column TakeColumn() { return std::move(column_); }

 private:
  // How the values read so far are kept.
  enum class Storage {
    kUndecided,  // only missing values so far, kept as NaN in `numbers`
    kNumbers,
    kDates,
    kLevels,
    kDropped,  // numbers or dates followed by something else: read again if categorical
  };

  void Store(Storage kind, double value, std::string_view cell) {
    if (storage_ == Storage::kUndecided) {
      if (kind == Storage::kLevels) {
        column_.codes.assign(column_.numbers.size(), -1);
        column_.numbers = {};
      }
      storage_ = kind;
    }
    if (storage_ == Storage::kLevels) {
      column_.codes.push_back(coder_.Code(cell, &column_.levels));
    } else if (storage_ == kind) {
      column_.numbers.push_back(value);
    } else if (storage_ != Storage::kDropped) {
      column_.numbers = {};
      storage_ = Storage::kDropped;
    }
  }

  static void Note(std::optional<CellNote>* note, std::string_view cell, size_t line) {
    if (!note->has_value()) *note = CellNote{line, std::string(cell)};
  }

  Status AddDeclared(std::string_view cell, size_t line, const std::string& source) {
    double value = 0;
    switch (*declared_) {
      case ColumnType::kCategorical:
        column_.codes.push_back(coder_.Code(cell, &column_.levels));
        return Status::Ok();
      case ColumnType::kNumeric:
        if (!ParseNumber(cell, &value)) return NotDeclaredType(cell, line, "a number", source);
        break;
      case ColumnType::kDate:
        if (!ParseDate(cell, &value))
          return NotDeclaredType(cell, line, "a date (YYYY-MM-DD or YYYY/MM/DD)", source);
        break;
    }
    column_.numbers.push_back(value);
    return Status::Ok();
  }

  Status NotDeclaredType(std::string_view cell, size_t line, const char* a_kind,
                         const std::string& source) const {
    return Status::Invalid("column '" + column_.name + "': '" + std::string(cell) + "' is not " + a_kind +
                               ", but the column is declared " + ColumnTypeName(*declared_),
                           Place(source, line, position_ + 1));
  }

  Status CheckMostlyOfOneKind(size_t num_of_kind, size_t num_present,
                              const std::optional<CellNote>& first_other, const char* a_kind,
                              const char* kinds, const std::string& source) const {
    if (num_of_kind < kMinTypedValues ||
        num_of_kind * kTypedShareDenominator < num_present * kTypedShareNumerator) {
      return Status::Ok();
    }
    // Rounded down, so that a column with one bad value never reads "100.0%".
    char percent[16];
    std::snprintf(
        percent, sizeof percent, "%.1f",
        std::floor(1000.0 * static_cast<double>(num_of_kind) / static_cast<double>(num_present)) / 10);
    return Status::Invalid("column '" + column_.name + "': '" + first_other->text + "' is not " + a_kind +
                               " (" + percent + "% of this column's values are " + kinds +
                               "); correct the value or list it as a missing-value token",
                           Place(source, first_other->line, position_ + 1));
  }

  Column column_;
  size_t position_;
  std::optional<ColumnType> declared_;
  Storage storage_ = Storage::kUndecided;
  LevelCoder coder_;
  size_t num_missing_ = 0;
  size_t num_numbers_ = 0;
  size_t num_dates_ = 0;
  std::optional<CellNote> first_non_number_;
  std::optional<CellNote> first_non_date_;
};

// Column names from the header cells: trimmed, "unnamed_N" for empty ones, no duplicates.
Result<std::vector<std::string>> HeaderNames(const std::vector<std::string_view>& cells,
                                             const std::string& source, size_t line) {
  std::vector<std::string> names;
  std::map<std::string, size_t, std::less<>> position_of;
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string name(Trim(cells[i]));
    if (name.empty()) name = "unnamed_" + std::to_string(i + 1);
    const auto [it, inserted] = position_of.emplace(name, i);
    if (!inserted) {
      return Status::Invalid("column '" + name + "' appears twice in the header, as columns " +
                                 std::to_string(it->second + 1) + " and " + std::to_string(i + 1),
                             Place(source, line, i + 1));
    }
    names.push_back(std::move(name));
  }
  return names;
}

// Positions of the columns to read, in the order asked for.
Result<std::vector<size_t>> SelectPositions(const std::vector<std::string>& names,
                                            const std::vector<std::string>& only_columns,
                                            const std::string& source) {
  std::vector<size_t> positions;
  if (only_columns.empty()) {
    for (size_t i = 0; i < names.size(); ++i) positions.push_back(i);
    return positions;
  }
  for (const std::string& wanted : only_columns) {
    const auto found = std::find(names.begin(), names.end(), wanted);
    if (found == names.end()) {
      const std::vector<std::string_view> views(names.begin(), names.end());
      return Status::NotFound("no column '" + wanted + "'; " + DescribeColumnNames(wanted, views), source);
    }
    const auto position = static_cast<size_t>(found - names.begin());
    if (std::find(positions.begin(), positions.end(), position) != positions.end()) {
      return Status::Usage("column '" + wanted + "' is listed twice in the columns to read");
    }
    positions.push_back(position);
  }
  return positions;
}

Status CheckFieldCount(size_t found, size_t expected, const std::string& source, size_t line) {
  if (found == expected) return Status::Ok();
  return Status::Invalid(
      "expected " + std::to_string(expected) + " fields (as in the header), found " + std::to_string(found),
      source + ":" + std::to_string(line));
}

using OpenReader = std::function<Result<std::unique_ptr<CsvReader>>(char delimiter)>;

// The second reading, for categorical columns that had dropped their values.
Status ReadLevelsAgain(const OpenReader& open, char delimiter, size_t num_fields, size_t num_rows,
                       const MissingTokens& missing, const std::vector<ColumnBuilder*>& builders,
                       const std::string& source) {
  CREDO_ASSIGN_OR_RETURN(const std::unique_ptr<CsvReader> reader, open(delimiter));
  const Status changed = Status::Io("the file changed while it was being read", source);
  std::vector<std::string_view> cells;
  for (size_t row = 0; row <= num_rows; ++row) {  // row 0 is the header
    CREDO_ASSIGN_OR_RETURN(const bool more, reader->Next(&cells));
    if (!more || cells.size() != num_fields) return changed;
    if (row == 0) continue;
    for (ColumnBuilder* builder : builders) builder->AddLevelAgain(cells[builder->position()], missing);
  }
  return Status::Ok();
}

Result<Table> ReadTable(const OpenReader& open, const std::string& source, const ReadOptions& options) {
  CREDO_ASSIGN_OR_RETURN(const std::unique_ptr<CsvReader> reader, open(options.delimiter));
  std::vector<std::string_view> cells;
  CREDO_ASSIGN_OR_RETURN(const bool has_header, reader->Next(&cells));
  if (!has_header) return Status::Invalid("the file is empty (expected a header line)", source);
  CREDO_ASSIGN_OR_RETURN(const std::vector<std::string> names, HeaderNames(cells, source, reader->line()));
  CREDO_ASSIGN_OR_RETURN(const std::vector<size_t> positions,
                         SelectPositions(names, options.only_columns, source));

  std::vector<ColumnBuilder> builders;
  builders.reserve(positions.size());
  for (size_t position : positions) {
    const auto declared = options.column_types.find(names[position]);
    builders.emplace_back(
        names[position], position,
        declared == options.column_types.end() ? std::nullopt : std::optional<ColumnType>(declared->second));
  }
  const MissingTokens missing(options.missing_tokens);
  size_t num_rows = 0;
  while (options.max_rows == 0 || num_rows < options.max_rows) {
    CREDO_ASSIGN_OR_RETURN(const bool more, reader->Next(&cells));
    if (!more) break;
    CREDO_RETURN_IF_ERROR(CheckFieldCount(cells.size(), names.size(), source, reader->line()));
    for (ColumnBuilder& builder : builders) {
      CREDO_RETURN_IF_ERROR(builder.Add(cells[builder.position()], reader->line(), missing, source));
    }
    ++num_rows;
  }
  if (num_rows == 0) return Status::Invalid("no data rows", source);

  std::vector<ColumnBuilder*> read_again;
  for (ColumnBuilder& builder : builders) {
    CREDO_ASSIGN_OR_RETURN(const bool again, builder.Finish(num_rows, source));
    if (again) read_again.push_back(&builder);
  }
  if (!read_again.empty()) {
    CREDO_RETURN_IF_ERROR(
        ReadLevelsAgain(open, reader->delimiter(), names.size(), num_rows, missing, read_again, source));
  }
  Table table(source);
  for (ColumnBuilder& builder : builders) CREDO_RETURN_IF_ERROR(table.AddColumn(builder.TakeColumn()));
  return table;
}

}  // namespace

Result<Table> ReadCsv(const std::string& path, const ReadOptions& options) {
  return ReadTable([&](char delimiter) { return CsvReader::Open(path, delimiter); }, path, options);
}

Result<Table> ParseCsv(std::string_view text, const std::string& source, const ReadOptions& options) {
  return ReadTable([&](char delimiter) { return CsvReader::FromText(text, source, delimiter); }, source,
                   options);
}

}  // namespace credo::data
