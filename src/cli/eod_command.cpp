// `credo eod --db FILE --date YYYY-MM-DD [--product FILE]...`: the ledger's
// end-of-day batch for a business date, and a summary of what it did
// (docs/lending.md, "End of day").
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/subcommands.h"
#include "core/money.h"
#include "ledger/aging.h"
#include "ledger/ledger.h"
#include "ledger/open_store.h"
#include "lending/product.h"

namespace credo::cli {

void AddEodCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string db;
    std::string date;
    std::vector<std::string> products;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "eod",
      "End of day: recognise interest due, charge penalty on overdue principal, age loans, emit events");
  cmd->add_option("--db", f->db, "Ledger database (SQLite)")->required();
  cmd->add_option("--date", f->date, "Business date, YYYY-MM-DD")->required();
  cmd->add_option(
      "--product", f->products,
      "Product file whose penalty rate, grace days and day count apply to its loans (repeatable); "
      "other loans: 18% a year, no grace, 360-day year");
  cmd->callback([=] {
    *action = [=]() -> Status {
      Result<CivilDate> date = CivilDate::Parse(f->date);
      if (!date.ok()) return {date.status().code(), date.status().message(), "--date"};
      ledger::EodPolicies policies;
      for (const std::string& path : f->products) {
        CREDO_ASSIGN_OR_RETURN(const lending::Product product, lending::LoadProductFile(path));
        policies.by_product[product.name] = ledger::PolicyOf(product);
      }
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(f->db));
      ledger::Ledger ledger(*store);
      Result<ledger::EodSummary> run = ledger.RunEndOfDay(*date, policies);
      if (!run.ok()) {
        const Status& s = run.status();
        return s.path() == "date" ? Status(s.code(), s.message(), "--date") : s;
      }
      const ledger::EodSummary& s = *run;
      std::cout << "business date " << s.business_date.ToString();
      if (s.already_done) {
        std::cout << ": already run, nothing posted\n";
        return Status::Ok();
      }
      std::cout << (s.resumed ? " (resumed an unfinished run)" : "") << "\n"
                << "loans processed " << s.loans_processed << "\n"
                << "interest recognised " << FormatMoneyFen(s.interest_fen, true) << "\n"
                << "fees recognised " << FormatMoneyFen(s.fee_fen, true) << "\n"
                << "penalty charged " << FormatMoneyFen(s.penalty_fen, true) << "\n";
      for (const char* kind : {"due_soon", "became_overdue", "bucket_changed"}) {
        auto it = s.events_by_kind.find(kind);
        std::cout << "events " << kind << " " << (it == s.events_by_kind.end() ? 0 : it->second) << "\n";
      }
      for (size_t b = 0; b < s.loans_by_bucket.size(); ++b) {
        std::cout << "bucket " << ledger::BucketName(static_cast<ledger::Bucket>(b)) << " "
                  << s.loans_by_bucket[b] << "\n";
      }
      return Status::Ok();
    };
  });
}

}  // namespace credo::cli
