#include "population/population.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "data/csv.h"
#include "data/json_builder.h"
#include "data/text_writer.h"
#include "population/chunk_pipeline.h"
#include "population/documents.h"

namespace credo::population {
namespace {

constexpr int kMaxThreads = 64;
// Rows per chunk of the CSV, and of documents (which are up to ~35 KB each).
constexpr int64_t kRowsPerChunk = 2048;
constexpr int64_t kDocumentsPerChunk = 128;

constexpr std::string_view kBaseColumns[] = {
    "applicant_id",
    "application_date",
    "age",
    "gender",
    "city_tier",
    "education",
    "occupation",
    "monthly_income",
    "channel",
    "product",
    "requested_amount",
    "requested_term_months",
    "device_os",
    "phone_tenure_months",
    "device_tenure_months",
    "bureau_accounts",
    "bureau_inquiries_1m",
    "bureau_inquiries_3m",
    "bureau_inquiries_6m",
    "bureau_inquiries_12m",
    "worst_dpd_24m",
    "card_utilisation",
    "lenders_90d",
    "bad",
};

std::vector<std::string> Header(int wide_variables) {
  std::vector<std::string> header(std::begin(kBaseColumns), std::end(kBaseColumns));
  for (int number = 1; number <= wide_variables; ++number) header.push_back(WideVariableName(number));
  return header;
}

// The text of a chunk of rows: all fields back to back in one buffer, with
// the end offset of each, so that a chunk costs two allocations, not one per field.
class FormattedChunk {
 public:
  void Clear() {
    text_.clear();
    field_ends_.clear();
  }
  void Add(std::string_view field) {
    text_.append(field);
    field_ends_.push_back(text_.size());
  }
  void AddMissing() { field_ends_.push_back(text_.size()); }
  // "YYYY-MM-DD", without the cost of printf.
  void AddDate(CivilDate date) {
    char text[10] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0'};
    const auto put = [&text](int value, int last) {
      for (int i = last; value > 0; value /= 10, --i) text[i] = static_cast<char>('0' + value % 10);
    };
    put(date.year(), 3);
    put(date.month(), 6);
    put(date.day(), 9);
    Add(std::string_view(text, sizeof text));
  }
  void AddInt(int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    Add(std::string_view(digits, end - digits));
  }
  template <class T>
  void AddOptionalInt(const std::optional<T>& value) {
    if (value) {
      AddInt(*value);
    } else {
      AddMissing();
    }
  }
  // A fixed-point number; NaN is missing.
  void AddFixed(double value, int decimals) {
    if (std::isnan(value)) return AddMissing();
    char digits[64];
    const auto end =
        std::to_chars(digits, digits + sizeof digits, value, std::chars_format::fixed, decimals).ptr;
    Add(std::string_view(digits, end - digits));
  }

  // Fields of row `row` (0-based within the chunk) of `columns` fields.
  void RowFields(size_t row, size_t columns, std::vector<std::string_view>* fields) const {
    fields->clear();
    size_t begin = row == 0 ? 0 : field_ends_[row * columns - 1];
    for (size_t i = row * columns; i < (row + 1) * columns; ++i) {
      fields->emplace_back(text_.data() + begin, field_ends_[i] - begin);
      begin = field_ends_[i];
    }
  }

 private:
  std::string text_;
  std::vector<size_t> field_ends_;
};

void FormatApplicant(const Applicant& a, std::span<const double> wide, FormattedChunk* out) {
  out->Add(ApplicantId(a.row));
  out->AddDate(a.application_date);
  out->AddInt(a.age_years);
  out->Add(Name(a.gender));
  out->Add(Name(a.city_tier));
  out->Add(Name(a.education));
  out->Add(Name(a.occupation));
  out->AddOptionalInt(a.monthly_income_yuan);
  out->Add(Name(a.channel));
  out->Add(Name(a.product));
  out->AddInt(a.requested_amount_yuan);
  out->AddInt(a.requested_term_months);
  out->Add(Name(a.device_os));
  out->AddOptionalInt(a.phone_tenure_months);
  out->AddInt(a.device_tenure_months);
  if (a.bureau) {
    const BureauSummary& b = *a.bureau;
    for (int count :
         {b.accounts, b.inquiries_1m, b.inquiries_3m, b.inquiries_6m, b.inquiries_12m, b.worst_dpd_24m}) {
      out->AddInt(count);
    }
    out->AddFixed(b.card_utilisation.value_or(NAN), 3);
    out->AddInt(b.lenders_90d);
  } else {
    for (int i = 0; i < 8; ++i) out->AddMissing();
  }
  out->AddInt(a.bad ? 1 : 0);
  for (size_t i = 0; i < wide.size(); ++i) {
    out->AddFixed(wide[i], WideVariableDecimals(static_cast<int>(i) + 1));
  }
}

Status CheckOptions(const PopulationOptions& options) {
  if (options.rows < 0 || options.rows > kMaxRows) {
    return Status::Invalid(
        "rows must be 0 to " + std::to_string(kMaxRows) + ", got " + std::to_string(options.rows),
        "PopulationOptions.rows");
  }
  if (options.wide_variables < 0 || options.wide_variables > kMaxWideVariables) {
    return Status::Invalid("wide variables must be 0 to " + std::to_string(kMaxWideVariables) + ", got " +
                               std::to_string(options.wide_variables),
                           "PopulationOptions.wide_variables");
  }
  if (options.threads < 1 || options.threads > kMaxThreads) {
    return Status::Invalid(
        "threads must be 1 to " + std::to_string(kMaxThreads) + ", got " + std::to_string(options.threads),
        "PopulationOptions.threads");
  }
  return Status::Ok();
}

}  // namespace

Status WritePopulation(const PopulationOptions& options, const std::string& out_path,
                       const std::function<void(int64_t rows_done)>& progress) {
  CREDO_RETURN_IF_ERROR(CheckOptions(options));
  CREDO_ASSIGN_OR_RETURN(std::unique_ptr<data::CsvWriter> writer, data::CsvWriter::Open(out_path));
  const std::vector<std::string> header = Header(options.wide_variables);
  CREDO_RETURN_IF_ERROR(writer->WriteRow(header));

  ChunkPipeline<FormattedChunk> pipeline(options.rows, kRowsPerChunk, options.threads,
                                         [&options](int64_t first_row, int64_t rows, FormattedChunk* chunk) {
                                           std::vector<double> wide(options.wide_variables);
                                           chunk->Clear();
                                           for (int64_t row = first_row; row < first_row + rows; ++row) {
                                             const Applicant applicant = GenerateApplicant(options.seed, row);
                                             GenerateWideVariables(options.seed, applicant, wide);
                                             FormatApplicant(applicant, wide, chunk);
                                           }
                                         });
  std::vector<std::string_view> fields;
  CREDO_RETURN_IF_ERROR(pipeline.Run(
      [&](const FormattedChunk& chunk, int64_t, int64_t rows) -> Status {
        for (int64_t row = 0; row < rows; ++row) {
          chunk.RowFields(row, header.size(), &fields);
          CREDO_RETURN_IF_ERROR(writer->WriteRow(fields));
        }
        return Status::Ok();
      },
      progress));
  return writer->Close();
}

Status WriteDocuments(const PopulationOptions& options, RecordSizes sizes, const std::string& out_path,
                      const std::function<void(int64_t rows_done)>& progress) {
  CREDO_RETURN_IF_ERROR(CheckOptions(options));
  CREDO_ASSIGN_OR_RETURN(std::unique_ptr<data::TextWriter> writer, data::TextWriter::Open(out_path, true));
  ChunkPipeline<std::string> pipeline(
      options.rows, kDocumentsPerChunk, options.threads,
      [&options, sizes](int64_t first_row, int64_t rows, std::string* chunk) {
        std::vector<double> wide(options.wide_variables);
        data::JsonBuilder document;
        chunk->clear();
        for (int64_t row = first_row; row < first_row + rows; ++row) {
          const Applicant applicant = GenerateApplicant(options.seed, row);
          GenerateWideVariables(options.seed, applicant, wide);
          document.Clear();
          AppendDocument(applicant, wide, GenerateRecords(options.seed, applicant, sizes), &document);
          *chunk += document.text();
          *chunk += '\n';
        }
      });
  CREDO_RETURN_IF_ERROR(pipeline.Run(
      [&](const std::string& chunk, int64_t, int64_t) { return writer->Write(chunk); }, progress));
  return writer->Close();
}

}  // namespace credo::population
