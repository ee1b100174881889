// `credo features docs`: relational CSV tables to applicant documents
// (features/table_documents.h, docs/table_documents.md).
#include <CLI/CLI.hpp>

#include "cli/progress.h"
#include "cli/subcommands.h"
#include "features/table_documents.h"

namespace credo::cli {
namespace {

// "bureau_accounts: 23809 records", then what was left out, if anything.
std::string DescribeList(const features::RecordListReport& list) {
  std::string text = list.path + ": " + std::to_string(list.written) + " records";
  if (list.orphans > 0) {
    text += "; " + std::to_string(list.orphans) + " orphan rows in " + list.file +
            " (no parent with that key; first: " + list.first_orphan + ")";
  }
  if (list.undated > 0) text += "; " + std::to_string(list.undated) + " rows without a date offset";
  if (list.unreached > 0) text += "; " + std::to_string(list.unreached) + " rows under left-out parents";
  return text;
}

}  // namespace

void AddFeaturesDocsCommand(CLI::App& features, Action* action) {
  struct Flags {
    std::string tables;
    std::string spec;
    std::string out;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* docs = features.add_subcommand(
      "docs", "Join relational CSV tables into applicant documents (JSON Lines) as a spec (YAML) says");
  docs->add_option("--tables", flags->tables, "Directory of the CSV tables (.csv or .csv.gz)")->required();
  docs->add_option("--spec", flags->spec, "The spec: root table, keys, record lists, dates (YAML)")
      ->required();
  docs->add_option("--out", flags->out,
                   "Output documents, one JSON object a line (.jsonl; .jsonl.gz compresses)")
      ->required();
  docs->callback([=] {
    *action = [=]() -> Status {
      Progress progress;
      CREDO_ASSIGN_OR_RETURN(const features::DocumentSpec spec, features::LoadDocumentSpec(flags->spec));
      CREDO_ASSIGN_OR_RETURN(
          const features::TableDocumentsReport report,
          features::WriteTableDocuments(spec, flags->tables, flags->out,
                                        [&](const std::string& message) { progress.Update(message); }));
      progress.Done();
      progress.Say("wrote " + std::to_string(report.documents) + " documents to " + flags->out);
      int64_t orphans = 0;
      for (const features::RecordListReport& list : report.lists) {
        progress.Say("  " + DescribeList(list));
        orphans += list.orphans;
      }
      if (orphans == 0) progress.Say("  no orphan rows: every child row's key is in its parent table");
      return Status::Ok();
    };
  });
}

}  // namespace credo::cli
