// features/table_documents.h — relational CSV tables to applicant documents
// (JSON Lines), as a DocumentSpec says: `credo features docs`.
//
// Every row of the root table becomes one document: its columns as fields,
// `observation_date`, and one array per record list holding the child rows
// whose parent_key equals the row's key (in file order), nested to any depth.
// Numbers are JSON numbers, text JSON strings, and missing (empty) cells are
// left out. Child rows whose key has no parent row (orphans) and rows without
// a date offset are counted and left out, not errors. Child tables are read
// into memory (typed columns, ~8 bytes a cell); documents are written one at a
// time. docs/table_documents.md has the details.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "features/table_documents_spec.h"

namespace credo::features {

// What happened to the rows of one child table.
struct RecordListReport {
  std::string path;          // the list's dotted path: "bureau_accounts.status_history"
  std::string file;          // the table file as opened
  int64_t rows = 0;          // data rows in the file
  int64_t written = 0;       // records written
  int64_t orphans = 0;       // rows whose parent_key is empty or not a key of the parent table
  std::string first_orphan;  // the first of them, "row 7 (SK_ID_CURR = 123)"
  int64_t undated = 0;       // rows without a date offset
  int64_t unreached = 0;     // rows under a parent row that was itself left out
};

// What a conversion wrote.
struct TableDocumentsReport {
  int64_t documents = 0;
  std::vector<RecordListReport> lists;  // depth first, in spec order
};

// Reads the spec's tables from `tables_dir` and writes one JSON document per
// root row to `out_path` (".gz" compresses); the file appears only when the
// whole conversion succeeded. `progress`, if set, is told what is being done
// ("read bureau.csv.gz: 23809 rows", "wrote 1000 / 5000 documents").
// Errors name the spec file and line (a column the table lacks, two columns
// written under one name) or the table file, row and column (a duplicate
// key, a date offset that is text or not a whole number, text that is not
// UTF-8).
Result<TableDocumentsReport> WriteTableDocuments(
    const DocumentSpec& spec, const std::string& tables_dir, const std::string& out_path,
    const std::function<void(const std::string&)>& progress = {});

}  // namespace credo::features
