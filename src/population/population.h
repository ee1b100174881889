// population/population.h — the synthetic consumer-credit population behind
// `credo gen`.
//
// WritePopulation streams a CSV of applicants of a Chinese consumer lender
// (one row per application, the columns of docs/population.md) with the
// default flag `bad` drawn from a known process, for building and testing
// scorecards, binning and strategies without real customer data. Memory use
// does not grow with the row count. The output depends only on the options'
// rows, seed and wide_variables: rows are generated in chunks by several
// threads but each row from its own random stream (population/row_random.h),
// so the bytes are the same for any thread count and on any platform.
// The per-row API (GenerateApplicant, TrueDefaultProbability,
// GenerateWideVariables) gives the same values without a file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "population/applicant.h"
#include "population/applicant_records.h"
#include "population/default_process.h"
#include "population/wide_variables.h"

namespace credo::population {

// What to generate.
struct PopulationOptions {
  int64_t rows = 0;        // applicants, 0 .. kMaxRows
  uint64_t seed = 0;       // the same seed gives the same file
  int wide_variables = 0;  // extra columns x001..xNNN, 0 .. kMaxWideVariables
  int threads = 2;         // generating threads, 1 .. 64; never changes the output
};

// Writes the population to `out_path` (".gz" compresses), a header line then
// options.rows rows. `progress`, if set, is called from the calling thread
// with the rows written so far, every few thousand rows and at the end.
Status WritePopulation(const PopulationOptions& options, const std::string& out_path,
                       const std::function<void(int64_t rows_done)>& progress = {});

// Writes the same applicants as documents with record lists
// (population/documents.h), one JSON object a line, to `out_path` (".gz"
// compresses); the file appears only when complete. The output depends only
// on the options' rows, seed and wide_variables and on `sizes`; `progress` as
// for WritePopulation.
Status WriteDocuments(const PopulationOptions& options, RecordSizes sizes, const std::string& out_path,
                      const std::function<void(int64_t rows_done)>& progress = {});

}  // namespace credo::population
