#include "features/table_documents.h"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/utf8.h"
#include "data/json_builder.h"
#include "data/table.h"
#include "data/text_writer.h"

namespace credo::features {
namespace {

// Offsets beyond these cannot give a date in the years 1..9999 from any anchor.
constexpr double kMaxDaysOffset = 3'700'000;
constexpr double kMaxMonthsOffset = 120'000;

// A column written to the output under `name`.
struct OutputField {
  size_t column;
  std::string name;
};

// One table of the spec, read and indexed.
struct LoadedTable {
  const TableSpec* spec = nullptr;
  std::string path;  // the file as opened
  data::Table table;
  std::vector<OutputField> fields;
  const data::Column* date_offset = nullptr;  // lists only
  // Lists only: this table's rows under parent row p are
  // rows_by_parent[begin[p] .. begin[p + 1]), in file order.
  std::vector<uint32_t> begin;
  std::vector<uint32_t> rows_by_parent;
  std::vector<LoadedTable> lists;
  size_t report_index = 0;  // lists only: its entry in the report
};

std::string Place(const std::string& source, int line) { return source + ":" + std::to_string(line); }

std::string RowPlace(const std::string& path, size_t row, std::string_view column) {
  return path + " row " + std::to_string(row + 1) + ", column " + std::string(column);
}

// The text a key cell is matched by: the number as JSON writes it, or the
// text itself; nullopt when the cell is missing.
std::optional<std::string> KeyText(const data::Column& column, size_t row, data::JsonBuilder* scratch) {
  if (column.IsMissing(row)) return std::nullopt;
  if (column.type != data::ColumnType::kNumeric) return column.ValueText(row);
  scratch->Clear();
  scratch->Number(column.numbers[row]);
  return scratch->text();
}

class Converter {
 public:
  Converter(const DocumentSpec& spec, std::string tables_dir,
            const std::function<void(const std::string&)>& progress)
      : spec_(spec), tables_dir_(std::move(tables_dir)), progress_(progress) {}

  Result<TableDocumentsReport> Run(const std::string& out_path) {
    CREDO_RETURN_IF_ERROR(Load(spec_.root, "", &root_));
    CREDO_ASSIGN_OR_RETURN(std::unique_ptr<data::TextWriter> out, data::TextWriter::Open(out_path, true));
    observation_date_ = spec_.observation_date.ToString();
    const size_t documents = root_.table.num_rows();
    for (size_t row = 0; row < documents; ++row) {
      json_.Clear();
      json_.BeginObject();
      WriteFields(root_, row);
      json_.Key("observation_date");
      json_.String(observation_date_);
      WriteLists(root_, row);
      json_.EndObject();
      CREDO_RETURN_IF_ERROR(out->Write(json_.text()));
      CREDO_RETURN_IF_ERROR(out->Write("\n"));
      if (progress_ && (row + 1) % 1000 == 0) {
        progress_("wrote " + std::to_string(row + 1) + " / " + std::to_string(documents) + " documents");
      }
    }
    CREDO_RETURN_IF_ERROR(out->Close());
    report_.documents = static_cast<int64_t>(documents);
    for (RecordListReport& list : report_.lists) {
      list.unreached = list.rows - list.written - list.orphans - list.undated;
    }
    return report_;
  }

 private:
  // Reads `spec`'s table into `out`, with its lists; `parent_path` is the
  // dotted path of the list holding it ("" for the root and top lists).
  Status Load(const TableSpec& spec, const std::string& parent_path, LoadedTable* out) {
    out->spec = &spec;
    out->path = (std::filesystem::path(tables_dir_) / spec.file.text).string();
    data::ReadOptions options;
    options.missing_tokens = {""};
    for (const SpecName& name : spec.text_columns) {
      options.column_types[name.text] = data::ColumnType::kCategorical;
    }
    Result<data::Table> table = data::ReadCsv(out->path, options);
    if (!table.ok() && table.status().code() == ErrorCode::kNotFound && table.status().path() == out->path) {
      return Status::NotFound(
          out->path + ": " + table.status().message() + " (the file of " + Describe(spec) + ")",
          Place(spec_.source, spec.file.line));
    }
    CREDO_RETURN_IF_ERROR(table.status());
    out->table = std::move(table).value();
    if (progress_) {
      progress_("read " + spec.file.text + ": " + std::to_string(out->table.num_rows()) + " rows");
    }
    for (const SpecName& name : spec.text_columns) CREDO_RETURN_IF_ERROR(ColumnIndex(*out, name).status());
    CREDO_RETURN_IF_ERROR(CheckText(*out));
    CREDO_RETURN_IF_ERROR(ChooseFields(spec, out));
    if (!spec.name.text.empty()) {
      CREDO_ASSIGN_OR_RETURN(const size_t offset, ColumnIndex(*out, spec.date_offset));
      out->date_offset = &out->table.column(offset);
      CREDO_RETURN_IF_ERROR(CheckOffsets(*out));
    }
    if (spec.lists.empty()) return Status::Ok();

    CREDO_ASSIGN_OR_RETURN(const size_t key, ColumnIndex(*out, spec.key));
    CREDO_ASSIGN_OR_RETURN(const auto row_of_key, IndexKeys(*out, key));
    out->lists.resize(spec.lists.size());
    for (size_t i = 0; i < spec.lists.size(); ++i) {
      const TableSpec& list_spec = spec.lists[i];
      const std::string path =
          parent_path.empty() ? list_spec.name.text : parent_path + "." + list_spec.name.text;
      LoadedTable& list = out->lists[i];
      list.report_index = report_.lists.size();
      report_.lists.emplace_back().path = path;
      CREDO_RETURN_IF_ERROR(Load(list_spec, path, &list));
      CREDO_RETURN_IF_ERROR(Group(row_of_key, out->table.num_rows(), &list));
    }
    return Status::Ok();
  }

  std::string Describe(const TableSpec& spec) const {
    return spec.name.text.empty() ? "root" : "list '" + spec.name.text + "'";
  }

  Result<size_t> ColumnIndex(const LoadedTable& table, const SpecName& name) const {
    Result<size_t> index = table.table.IndexOf(name.text);
    if (!index.ok()) return Status::NotFound(index.status().message(), Place(spec_.source, name.line));
    return index;
  }

  // Column names and text cells must be UTF-8 to be written as JSON strings.
  Status CheckText(const LoadedTable& table) const {
    for (const data::Column& column : table.table.columns()) {
      if (!IsValidUtf8(column.name)) {
        return Status::Invalid("a column name is not valid UTF-8", table.path + " header");
      }
      if (column.type != data::ColumnType::kCategorical) continue;
      for (size_t level = 0; level < column.levels.size(); ++level) {
        if (IsValidUtf8(column.levels[level])) continue;
        size_t row = 0;
        while (column.codes[row] != static_cast<int32_t>(level)) ++row;
        return Status::Invalid("the text is not valid UTF-8", RowPlace(table.path, row, column.name));
      }
    }
    return Status::Ok();
  }

  // The output fields: every column not omitted, named as the spec says,
  // without two of them (or a field and a list, or `date`) under one name.
  Status ChooseFields(const TableSpec& spec, LoadedTable* table) const {
    std::vector<bool> omitted(table->table.num_columns(), false);
    for (const SpecName& name : spec.omit) {
      CREDO_ASSIGN_OR_RETURN(const size_t column, ColumnIndex(*table, name));
      omitted[column] = true;
    }
    // Names already taken, and by what.
    std::map<std::string, std::string, std::less<>> taken;
    taken[spec.name.text.empty() ? "observation_date" : "date"] = "the document's own field";
    for (const TableSpec& list : spec.lists)
      taken[list.name.text] = "the record list '" + list.name.text + "'";
    for (size_t c = 0; c < table->table.num_columns(); ++c) {
      if (omitted[c]) continue;
      std::string name = table->table.column(c).name;
      if (spec.field_names == FieldNaming::kLowerCase) {
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      const std::string what = "column '" + table->table.column(c).name + "' of " + spec.file.text;
      const auto [it, inserted] = taken.emplace(name, what);
      if (!inserted) {
        std::string message = what;
        message += " would be written as '" + name + "', the name of ";
        message += it->second + "; omit or rename one";
        return Status::Invalid(message, Place(spec_.source, spec.line));
      }
      table->fields.push_back({c, std::move(name)});
    }
    return Status::Ok();
  }

  // A date offset must be a whole number in range; missing is allowed (the
  // row is left out and counted).
  Status CheckOffsets(const LoadedTable& table) const {
    const data::Column& column = *table.date_offset;
    const TableSpec& spec = *table.spec;
    if (column.type != data::ColumnType::kNumeric) {
      size_t row = 0;
      while (row + 1 < column.size() && column.IsMissing(row)) ++row;
      return Status::Invalid("the date offset column holds text ('" + column.ValueText(row) +
                                 "'); it must hold whole numbers of " +
                                 (spec.date_unit == OffsetUnit::kDays ? "days" : "months"),
                             RowPlace(table.path, row, column.name));
    }
    const double limit = spec.date_unit == OffsetUnit::kDays ? kMaxDaysOffset : kMaxMonthsOffset;
    for (size_t row = 0; row < column.numbers.size(); ++row) {
      const double offset = column.numbers[row];
      if (std::isnan(offset)) continue;
      if (offset != std::trunc(offset) || std::fabs(offset) > limit) {
        return Status::Invalid("a date offset must be a whole number of " +
                                   std::string(spec.date_unit == OffsetUnit::kDays ? "days" : "months") +
                                   " below " + std::to_string(static_cast<int64_t>(limit)) + ", got " +
                                   column.ValueText(row),
                               RowPlace(table.path, row, column.name));
      }
      const int year = RecordDate(table, row).year();
      if (year < 1 || year > 9999) {
        return Status::Invalid(
            "the date offset " + column.ValueText(row) + " gives a date outside years 1-9999",
            RowPlace(table.path, row, column.name));
      }
    }
    return Status::Ok();
  }

  CivilDate RecordDate(const LoadedTable& table, size_t row) const {
    const auto offset = static_cast<int32_t>(table.date_offset->numbers[row]);
    return table.spec->date_unit == OffsetUnit::kDays ? spec_.observation_date.AddDays(offset)
                                                      : spec_.observation_date.AddMonths(offset);
  }

  // Key text -> row; a key given twice is an error (its children would be ambiguous).
  Result<std::unordered_map<std::string, uint32_t>> IndexKeys(const LoadedTable& table, size_t key) {
    const data::Column& column = table.table.column(key);
    std::unordered_map<std::string, uint32_t> row_of_key;
    row_of_key.reserve(column.size());
    for (size_t row = 0; row < column.size(); ++row) {
      std::optional<std::string> text = KeyText(column, row, &json_);
      if (!text) continue;
      const auto [it, inserted] = row_of_key.emplace(std::move(*text), static_cast<uint32_t>(row));
      if (!inserted) {
        return Status::Invalid("key " + it->first + " is also on row " + std::to_string(it->second + 1) +
                                   "; a table with lists needs unique keys",
                               RowPlace(table.path, row, column.name));
      }
    }
    return row_of_key;
  }

  // Groups `list`'s rows by parent row (a counting sort keeps file order),
  // counting orphans and undated rows.
  Status Group(const std::unordered_map<std::string, uint32_t>& row_of_key, size_t parent_rows,
               LoadedTable* list) {
    RecordListReport& report = report_.lists[list->report_index];
    report.file = list->path;
    const size_t rows = list->table.num_rows();
    report.rows = static_cast<int64_t>(rows);
    CREDO_ASSIGN_OR_RETURN(const size_t key, ColumnIndex(*list, list->spec->parent_key));
    const data::Column& key_column = list->table.column(key);
    constexpr uint32_t kLeftOut = UINT32_MAX;
    std::vector<uint32_t> parent(rows, kLeftOut);
    list->begin.assign(parent_rows + 1, 0);
    for (size_t row = 0; row < rows; ++row) {
      if (list->date_offset->IsMissing(row)) {
        ++report.undated;
        continue;
      }
      const std::optional<std::string> text = KeyText(key_column, row, &json_);
      const auto found = text ? row_of_key.find(*text) : row_of_key.end();
      if (found == row_of_key.end()) {
        if (report.orphans++ == 0) {
          report.first_orphan = "row " + std::to_string(row + 1) + " (" + key_column.name + " = " +
                                (text ? *text : std::string("empty")) + ")";
        }
        continue;
      }
      parent[row] = found->second;
      ++list->begin[found->second + 1];
    }
    for (size_t p = 0; p < parent_rows; ++p) list->begin[p + 1] += list->begin[p];
    list->rows_by_parent.resize(list->begin[parent_rows]);
    std::vector<uint32_t> next(list->begin.begin(), list->begin.end() - 1);
    for (size_t row = 0; row < rows; ++row) {
      if (parent[row] != kLeftOut) list->rows_by_parent[next[parent[row]]++] = static_cast<uint32_t>(row);
    }
    return Status::Ok();
  }

  void WriteFields(const LoadedTable& table, size_t row) {
    for (const OutputField& field : table.fields) {
      const data::Column& column = table.table.column(field.column);
      if (column.IsMissing(row)) continue;
      json_.Key(field.name);
      switch (column.type) {
        case data::ColumnType::kNumeric:
          json_.Number(column.numbers[row]);
          break;
        case data::ColumnType::kCategorical:
          json_.String(column.levels[column.codes[row]]);
          break;
        case data::ColumnType::kDate:
          json_.String(column.ValueText(row));
          break;
      }
    }
  }

  void WriteLists(const LoadedTable& table, size_t row) {
    for (const LoadedTable& list : table.lists) {
      json_.Key(list.spec->name.text);
      json_.BeginArray();
      for (uint32_t i = list.begin[row]; i < list.begin[row + 1]; ++i) {
        const uint32_t child = list.rows_by_parent[i];
        json_.BeginObject();
        json_.Key("date");
        json_.String(RecordDate(list, child).ToString());
        WriteFields(list, child);
        WriteLists(list, child);
        json_.EndObject();
      }
      json_.EndArray();
      report_.lists[list.report_index].written += list.begin[row + 1] - list.begin[row];
    }
  }

  const DocumentSpec& spec_;
  const std::string tables_dir_;
  const std::function<void(const std::string&)>& progress_;
  LoadedTable root_;
  TableDocumentsReport report_;
  std::string observation_date_;
  data::JsonBuilder json_;
};

}  // namespace

Result<TableDocumentsReport> WriteTableDocuments(const DocumentSpec& spec, const std::string& tables_dir,
                                                 const std::string& out_path,
                                                 const std::function<void(const std::string&)>& progress) {
  return Converter(spec, tables_dir, progress).Run(out_path);
}

}  // namespace credo::features
