// `credo ledger check|trial-balance`: the ledger's invariants and its trial
// balance (docs/lending.md, "Ledger").
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/subcommands.h"
#include "core/money.h"
#include "ledger/check.h"
#include "ledger/open_store.h"

namespace credo::cli {
namespace {

void AddCheckCommand(CLI::App* group, Action* action) {
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = group->add_subcommand(
      "check", "Verify the ledger: balanced entries, sub-ledgers reconcile, no negative balance");
  cmd->add_option("--db", *db, "Ledger database (SQLite)")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(*db));
      CREDO_ASSIGN_OR_RETURN(ledger::CheckReport report, ledger::CheckLedger(*store));
      for (const std::string& problem : report.problems) std::cout << "problem: " << problem << "\n";
      std::cout << "loans " << report.loans << ", debits " << FormatMoneyFen(report.debit_fen) << ", credits "
                << FormatMoneyFen(report.credit_fen) << ": "
                << (report.ok() ? "ok" : std::to_string(report.problems.size()) + " problems") << "\n";
      if (report.ok()) return Status::Ok();
      return Status::Invalid("the ledger check found " + std::to_string(report.problems.size()) + " problems",
                             *db);
    };
  });
}

void AddTrialBalanceCommand(CLI::App* group, Action* action) {
  struct Flags {
    std::string db;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = group->add_subcommand("trial-balance", "Print every account's debits, credits and balance");
  cmd->add_option("--db", f->db, "Ledger database (SQLite)")->required();
  cmd->add_flag("--json", f->json, "Print JSON, amounts as decimal strings");
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(f->db));
      CREDO_ASSIGN_OR_RETURN(std::vector<ledger::TrialBalanceRow> rows, ledger::TrialBalance(*store));
      if (f->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const ledger::TrialBalanceRow& r : rows) {
          out.push_back({{"account", ledger::AccountName(r.account)},
                         {"debit", FormatMoneyFen(r.debit_fen)},
                         {"credit", FormatMoneyFen(r.credit_fen)},
                         {"balance", FormatMoneyFen(r.balance_fen())}});
        }
        std::cout << out.dump(2) << "\n";
        return Status::Ok();
      }
      int64_t debit_fen = 0;
      int64_t credit_fen = 0;
      char line[160];
      std::snprintf(line, sizeof line, "%-22s %18s %18s %18s\n", "account", "debit", "credit", "balance");
      std::cout << line;
      for (const ledger::TrialBalanceRow& r : rows) {
        debit_fen += r.debit_fen;
        credit_fen += r.credit_fen;
        std::snprintf(line, sizeof line, "%-22s %18s %18s %18s\n", ledger::AccountName(r.account),
                      FormatMoneyFen(r.debit_fen, true).c_str(), FormatMoneyFen(r.credit_fen, true).c_str(),
                      FormatMoneyFen(r.balance_fen(), true).c_str());
        std::cout << line;
      }
      std::snprintf(line, sizeof line, "%-22s %18s %18s\n", "total", FormatMoneyFen(debit_fen, true).c_str(),
                    FormatMoneyFen(credit_fen, true).c_str());
      std::cout << line;
      return Status::Ok();
    };
  });
}

}  // namespace

void AddLedgerCommands(CLI::App& app, Action* action) {
  CLI::App* group = app.add_subcommand("ledger", "The loan ledger: invariant check and trial balance");
  group->require_subcommand(1);
  AddCheckCommand(group, action);
  AddTrialBalanceCommand(group, action);
}

}  // namespace credo::cli
