// `credo loan schedule|open|repay|show|quote|prepay|reverse|write-off|customer`:
// the repayment schedule and IRR-based APR of a loan, from a product file or
// as a plain monthly loan; opening, repaying, servicing and showing loans on
// the ledger (docs/lending.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/loan_flags.h"
#include "cli/subcommands.h"
#include "core/money.h"
#include "ledger/json_views.h"
#include "ledger/ledger.h"
#include "ledger/open_store.h"
#include "lending/schedule_format.h"

namespace credo::cli {
namespace {

void AddScheduleCommand(CLI::App* loan, Action* action) {
  struct Flags {
    PricingFlags pricing;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand(
      "schedule", "Print a loan's repayment schedule and its APR (IRR method, all fees included)");
  AddPricingFlags(cmd, &f->pricing);
  cmd->add_flag("--json", f->json, "Print the schedule as JSON, amounts as decimal strings");
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(PricedLoan priced, PriceFromFlags(f->pricing));
      std::cout << (f->json ? lending::ScheduleToJson(priced.schedule).dump(2) + "\n"
                            : lending::FormatScheduleTable(priced.schedule));
      return Status::Ok();
    };
  });
}

void AddOpenCommand(CLI::App* loan, Action* action) {
  struct Flags {
    PricingFlags pricing;
    std::string db;
    std::string request_key;
    std::string customer;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand("open", "Open and disburse a loan on the ledger");
  AddPricingFlags(cmd, &f->pricing);
  AddDbFlag(cmd, &f->db);
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--customer", f->customer, "The borrower's id (for `credo loan customer`)");
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(PricedLoan priced, PriceFromFlags(f->pricing));
      return PrintFromLedger(f->db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::OpenLoanResult opened,
                               book.OpenLoan({f->request_key, priced.product, priced.schedule, f->customer}));
        return OpenedJson(opened, priced.schedule);
      });
    };
  });
}

// The flags of an operation on one loan: the ledger, the loan, a business date.
struct LoanFlags {
  std::string db;
  int64_t loan_id = 0;
  std::string date;
};

void AddLoanFlags(CLI::App* cmd, LoanFlags* f, const char* date_help) {
  AddDbFlag(cmd, &f->db);
  cmd->add_option("--loan", f->loan_id, "Loan id")->required();
  cmd->add_option("--date", f->date, date_help)->required();
}

void AddRepayCommand(CLI::App* loan, Action* action) {
  struct Flags {
    LoanFlags loan;
    std::string request_key;
    std::string amount;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand(
      "repay", "Post a repayment (penalty, fees, interest, principal; oldest installment first)");
  AddLoanFlags(cmd, &f->loan, "Business date of the payment, YYYY-MM-DD");
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--amount", f->amount, "Amount paid, in yuan with at most two decimals")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const int64_t amount, ParseAmountFlag(f->amount, "--amount"));
      CREDO_ASSIGN_OR_RETURN(const CivilDate date, ParseDateFlag(f->loan.date, "--date"));
      return PrintFromLedger(f->loan.db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::RepaymentResult paid,
                               book.Repay({f->request_key, f->loan.loan_id, amount, date}));
        return ledger::ToJson(paid);
      });
    };
  });
}

void AddQuoteCommand(CLI::App* loan, Action* action) {
  auto f = std::make_shared<LoanFlags>();
  CLI::App* cmd =
      loan->add_subcommand("quote", "Print what paying a loan off on a date takes (posts nothing)");
  AddLoanFlags(cmd, f.get(), "Date of the payoff, YYYY-MM-DD");
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const CivilDate date, ParseDateFlag(f->date, "--date"));
      return PrintFromLedger(f->db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::PayoffQuote quote, book.QuotePayoff(f->loan_id, date));
        return ledger::ToJson(quote);
      });
    };
  });
}

void AddPrepayCommand(CLI::App* loan, Action* action) {
  struct Flags {
    LoanFlags loan;
    std::string request_key;
    std::string amount;
    std::string mode;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand(
      "prepay",
      "Pay ahead: pay the loan off, or prepay principal and shorten the term or lower the installment");
  AddLoanFlags(cmd, &f->loan, "Business date of the payment, YYYY-MM-DD");
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--amount", f->amount,
                  "Amount paid, in yuan (for payoff, at least `credo loan quote`'s total)")
      ->required();
  cmd->add_option("--mode", f->mode, "payoff, shorten-term or lower-installment")
      ->required()
      ->check(CLI::IsMember({"payoff", "shorten-term", "lower-installment"}));
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const int64_t amount, ParseAmountFlag(f->amount, "--amount"));
      CREDO_ASSIGN_OR_RETURN(const CivilDate date, ParseDateFlag(f->loan.date, "--date"));
      CREDO_ASSIGN_OR_RETURN(const ledger::PrepaymentMode mode, ledger::ParsePrepaymentMode(f->mode));
      return PrintFromLedger(f->loan.db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::PrepaymentResult paid,
                               book.Prepay({f->request_key, f->loan.loan_id, amount, date, mode}));
        return ledger::ToJson(paid);
      });
    };
  });
}

void AddReverseCommand(CLI::App* loan, Action* action) {
  struct Flags {
    LoanFlags loan;
    std::string request_key;
    std::string repayment_key;
    std::string reason;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd =
      loan->add_subcommand("reverse", "Reverse a repayment (a bounced transfer, a misapplied payment)");
  AddLoanFlags(cmd, &f->loan, "Business date of the reversal, YYYY-MM-DD");
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--repayment-key", f->repayment_key, "The request key the repayment was posted with")
      ->required();
  cmd->add_option("--reason", f->reason, "Why it is reversed");
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const CivilDate date, ParseDateFlag(f->loan.date, "--date"));
      return PrintFromLedger(f->loan.db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(
            const ledger::ReversalResult reversed,
            book.ReverseRepayment({f->request_key, f->loan.loan_id, f->repayment_key, date, f->reason}));
        return ledger::ToJson(reversed);
      });
    };
  });
}

void AddWriteOffCommand(CLI::App* loan, Action* action) {
  struct Flags {
    LoanFlags loan;
    std::string request_key;
    std::string reason;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand("write-off", "Write off what an active loan still owes");
  AddLoanFlags(cmd, &f->loan, "Business date of the write-off, YYYY-MM-DD");
  AddRequestKeyFlag(cmd, &f->request_key);
  cmd->add_option("--reason", f->reason, "Why it is written off");
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(const CivilDate date, ParseDateFlag(f->loan.date, "--date"));
      return PrintFromLedger(f->loan.db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::WriteOffResult written,
                               book.WriteOff({f->request_key, f->loan.loan_id, date, f->reason}));
        return ledger::ToJson(written);
      });
    };
  });
}

void AddCustomerCommand(CLI::App* loan, Action* action) {
  struct Flags {
    std::string db;
    std::string customer;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand(
      "customer", "Print a borrower's loans, worst days past due and bucket (as of the last end of day)");
  AddDbFlag(cmd, &f->db);
  cmd->add_option("--customer", f->customer, "The borrower's id")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      return PrintFromLedger(f->db, [&](ledger::Ledger& book) -> Result<nlohmann::json> {
        CREDO_ASSIGN_OR_RETURN(const ledger::CustomerDelinquency view,
                               book.GetCustomerDelinquency(f->customer));
        return ledger::ToJson(view);
      });
    };
  });
}

void AddShowCommand(CLI::App* loan, Action* action) {
  struct Flags {
    std::string db;
    int64_t loan_id = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand("show", "Print a loan, its installments and what is paid (JSON)");
  AddDbFlag(cmd, &f->db);
  cmd->add_option("--loan", f->loan_id, "Loan id")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(f->db));
      Result<ledger::LoanRecord> loan = ledger::Ledger(*store).GetLoan(f->loan_id);
      if (!loan.ok()) return AtFlag(loan.status(), "--loan");
      std::cout << ledger::LoanToJson(*loan).dump(2) << "\n";
      return Status::Ok();
    };
  });
}

}  // namespace

void AddLoanCommands(CLI::App& app, Action* action) {
  CLI::App* loan = app.add_subcommand(
      "loan", "Loans: schedules and pricing; open, repay, service and show loans on the ledger");
  loan->require_subcommand(1);
  AddScheduleCommand(loan, action);
  AddOpenCommand(loan, action);
  AddRepayCommand(loan, action);
  AddShowCommand(loan, action);
  AddQuoteCommand(loan, action);
  AddPrepayCommand(loan, action);
  AddReverseCommand(loan, action);
  AddWriteOffCommand(loan, action);
  AddCustomerCommand(loan, action);
}

}  // namespace credo::cli
