// `credo line open|show|limit|draw`: revolving credit lines on the ledger
// (docs/lending.md, "Credit lines"). A line draws with its product: `draw`
// prices the loan from the product file, which must be the line's, and
// `limit ... raise` holds the new limit to that file's maximum.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/loan_flags.h"
#include "cli/subcommands.h"
#include "core/money.h"
#include "ledger/json_views.h"
#include "lending/offer.h"
#include "lending/product.h"

namespace credo::cli {
namespace {

// Refuses a product file (named `product`) that is not credit line `line_id`'s
// (which draws with `line_product`).
Status CheckLineProduct(int64_t line_id, const std::string& line_product, const std::string& product) {
  if (line_product != product) {
    return Status::Invalid("credit line " + std::to_string(line_id) + " draws with product '" + line_product +
                               "', not '" + product + "'",
                           "product");
  }
  return Status::Ok();
}

void AddOpenCommand(CLI::App* group, Action* action) {
  struct Flags {
    std::string db;
    std::string request_key;
    std::string customer;
    std::string product;
    std::string limit;
    std::string date;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = group->add_subcommand("open", "Open a revolving credit line for a borrower");
  AddDbFlag(cmd, &f->db);
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--customer", f->customer, "The borrower's id")->required();
  cmd->add_option("--product", f->product,
                  "Product file its draws are priced with (YAML, examples/products/)")
      ->required();
  cmd->add_option("--limit", f->limit, "Credit limit, in yuan")->required();
  cmd->add_option("--date", f->date, "Date the line opens, YYYY-MM-DD")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const int64_t limit_fen, ParseAmountFlag(f->limit, "--limit"));
      CREDO_ASSIGN_OR_RETURN(const CivilDate date, ParseDateFlag(f->date, "--date"));
      Result<lending::Product> product = lending::LoadProductFile(f->product);
      if (!product.ok()) return AtFlag(product.status(), "--product");
      if (const Status fits = lending::CheckCreditLimit(*product, limit_fen); !fits.ok()) {
        return AtFlag(fits, fits.path() == "limit" ? "--limit" : "--product");
      }
      return PrintFromLedger(f->db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(
            const ledger::CreditLineView line,
            book.OpenCreditLine({f->request_key, f->customer, product->name, limit_fen, date}));
        return ledger::ToJson(line);
      });
    };
  });
}

void AddShowCommand(CLI::App* group, Action* action) {
  struct Flags {
    std::string db;
    int64_t line_id = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd =
      group->add_subcommand("show", "Print a credit line: limit, status, outstanding, available, loans");
  AddDbFlag(cmd, &f->db);
  cmd->add_option("--line", f->line_id, "Credit line id")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      return PrintFromLedger(f->db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::CreditLineView line, book.GetCreditLine(f->line_id));
        return ledger::ToJson(line);
      });
    };
  });
}

void AddLimitCommand(CLI::App* group, Action* action) {
  struct Flags {
    std::string db;
    std::string request_key;
    int64_t line_id = 0;
    std::string kind;
    std::string limit;
    std::string date;
    std::string reason;
    std::string product;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd =
      group->add_subcommand("limit", "Change a line: raise or cut its limit, freeze, unfreeze, close");
  AddDbFlag(cmd, &f->db);
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--line", f->line_id, "Credit line id")->required();
  cmd->add_option("kind", f->kind, "raise, cut, freeze, unfreeze or close")
      ->required()
      ->check(CLI::IsMember({"raise", "cut", "freeze", "unfreeze", "close"}));
  cmd->add_option("--limit", f->limit, "The new limit, in yuan (raise and cut)");
  cmd->add_option("--date", f->date, "Date of the change, YYYY-MM-DD")->required();
  cmd->add_option("--reason", f->reason, "Why the line changes");
  cmd->add_option("--product", f->product,
                  "The line's product file (YAML), required to raise: the new limit may not pass its "
                  "credit_line.max_limit");
  cmd->callback([=] {
    *action = [=]() -> Status {
      ledger::LimitChangeRequest change{f->request_key, f->line_id, f->kind, 0, {}, f->reason};
      if (f->kind == "raise" || f->kind == "cut") {
        if (f->limit.empty()) return Status::Usage("--limit is required to " + f->kind + " a limit");
        CREDO_ASSIGN_OR_RETURN(change.new_limit_fen, ParseAmountFlag(f->limit, "--limit"));
      }
      if (f->kind == "raise") {
        if (f->product.empty())
          return Status::Usage("--product (the line's product file) is required to raise");
        Result<lending::Product> loaded = lending::LoadProductFile(f->product);
        if (!loaded.ok()) return AtFlag(loaded.status(), "--product");
        change.check_raise = [product = std::move(loaded).value()](const ledger::CreditLineRecord& line,
                                                                   int64_t new_limit_fen) -> Status {
          CREDO_RETURN_IF_ERROR(CheckLineProduct(line.id, line.product, product.name));
          return lending::CheckCreditLimit(product, new_limit_fen);
        };
      }
      CREDO_ASSIGN_OR_RETURN(change.date, ParseDateFlag(f->date, "--date"));
      return PrintFromLedger(f->db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::CreditLineView line, book.ChangeCreditLimit(change));
        return ledger::ToJson(line);
      });
    };
  });
}

void AddDrawCommand(CLI::App* group, Action* action) {
  struct Flags {
    std::string db;
    std::string request_key;
    int64_t line_id = 0;
    PricingFlags pricing;
  };
  auto f = std::make_shared<Flags>();
  f->pricing.principal_flag = "--amount";
  f->pricing.start_flag = "--date";
  CLI::App* cmd = group->add_subcommand(
      "draw", "Draw on a line: a loan priced from the line's product, within the available limit");
  AddDbFlag(cmd, &f->db);
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--line", f->line_id, "Credit line id")->required();
  cmd->add_option("--product", f->pricing.product, "The line's product file (YAML)")->required();
  cmd->add_option("--amount", f->pricing.principal, "Amount drawn, in yuan")->required();
  cmd->add_option("--term", f->pricing.term, "Term in months")->required();
  cmd->add_option("--date", f->pricing.start,
                  "Date of the draw, YYYY-MM-DD; installments fall due monthly from it")
      ->required();
  AddRateFlag(cmd, &f->pricing);
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const PricedLoan priced, PriceFromFlags(f->pricing));
      return PrintFromLedger(f->db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::CreditLineView line, book.GetCreditLine(f->line_id));
        CREDO_RETURN_IF_ERROR(CheckLineProduct(f->line_id, line.line.product, priced.product));
        CREDO_ASSIGN_OR_RETURN(const ledger::OpenLoanResult opened,
                               book.Draw({f->request_key, f->line_id, priced.schedule}));
        return OpenedJson(opened, priced.schedule);
      });
    };
  });
}

}  // namespace

void AddCreditLineCommands(CLI::App& app, Action* action) {
  CLI::App* group = app.add_subcommand("line", "Revolving credit lines: open, show, change the limit, draw");
  group->require_subcommand(1);
  AddOpenCommand(group, action);
  AddShowCommand(group, action);
  AddLimitCommand(group, action);
  AddDrawCommand(group, action);
}

}  // namespace credo::cli
