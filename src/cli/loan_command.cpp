// `credo loan schedule|open|repay|show`: the repayment schedule and
// IRR-based APR of a loan, from a product file or as a plain monthly loan;
// opening, repaying and showing loans on the ledger (docs/lending.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/subcommands.h"
#include "core/money.h"
#include "ledger/ledger.h"
#include "ledger/open_store.h"
#include "lending/offer.h"
#include "lending/product.h"
#include "lending/schedule_format.h"

namespace credo::cli {
namespace {

// The same fault, its path replaced by the flag the user can fix.
Status AtFlag(const Status& status, const std::string& flag) {
  return {status.code(), status.message(), flag};
}

// Lending names the request field at fault; the user knows its flag.
Status AtFlagOfField(const Status& status) {
  const std::string& field = status.path();
  if (field == "principal") return AtFlag(status, "--principal");
  if (field == "term") return AtFlag(status, "--term");
  if (field == "rate") return AtFlag(status, "--apr-bps");
  return AtFlag(status, "--product");  // fees and discounts come from the product
}

// The flags that price a loan: a product file or plain terms.
struct PricingFlags {
  std::string product;
  std::string method;
  std::string principal;
  int term = 0;
  int64_t apr_bps = 0;
  CLI::Option* apr_option = nullptr;
  std::string start;
  std::string rounding;
};

void AddPricingFlags(CLI::App* cmd, PricingFlags* f) {
  cmd->add_option("--product", f->product,
                  "Product file (YAML, examples/products/); default a plain monthly loan");
  cmd->add_option("--method", f->method, "Repayment method (default: the product's, else equal-installment)")
      ->check(CLI::IsMember({"equal-installment", "equal-principal", "interest-only", "flat-fee"}));
  cmd->add_option("--principal", f->principal, "Amount lent, in yuan with at most two decimals (2700.00)")
      ->required();
  cmd->add_option("--term", f->term, "Term in months")->required();
  f->apr_option = cmd->add_option(
      "--apr-bps", f->apr_bps,
      "Nominal annual interest rate in bps (2000 = 20%); monthly rate = annual / 12. For flat-fee without a "
      "product, the advertised flat rate: fee = principal x rate / 12 each month. With a product, default "
      "its lowest rate");
  cmd->add_option("--start", f->start, "Disbursement date, YYYY-MM-DD; installments fall due monthly from it")
      ->required();
  cmd->add_option("--rounding", f->rounding,
                  "How amounts round to a fen (default: the product's, else half-up)")
      ->check(CLI::IsMember({"half-up", "up", "down", "half-even"}));
}

// A priced schedule and the name of the product it came from ("plain").
struct PricedLoan {
  lending::Schedule schedule;
  std::string product = "plain";
};

// Prices the loan the flags describe, checked against the APR cap.
Result<PricedLoan> PriceFromFlags(const PricingFlags& f) {
  lending::OfferRequest request;
  Result<int64_t> principal = ParseMoneyFen(f.principal);
  if (!principal.ok()) return AtFlag(principal.status(), "--principal");
  request.principal_fen = *principal;
  request.term_months = f.term;
  if (f.apr_option->count() > 0) request.rate_bps = f.apr_bps;
  Result<CivilDate> start = CivilDate::Parse(f.start);
  if (!start.ok()) return AtFlag(start.status(), "--start");
  request.start = *start;
  if (!f.rounding.empty()) {
    CREDO_ASSIGN_OR_RETURN(request.rounding, lending::ParseRoundingMode(f.rounding));
  }
  std::optional<lending::RepaymentMethod> method;
  if (!f.method.empty()) {
    CREDO_ASSIGN_OR_RETURN(method, lending::ParseRepaymentMethod(f.method));
  }

  PricedLoan priced;
  Result<lending::LoanTerms> terms = Status::Internal("unset");
  int64_t apr_cap_bps = lending::kDefaultAprCapBps;
  if (f.product.empty()) {
    if (!request.rate_bps) return Status::Usage("--apr-bps is required without --product");
    terms = lending::PlainTerms(method.value_or(lending::RepaymentMethod::kEqualInstallment), request);
  } else {
    CREDO_ASSIGN_OR_RETURN(lending::Product product, lending::LoadProductFile(f.product));
    if (method && *method != product.method) {
      return Status::Invalid("product '" + product.name + "' repays by " +
                                 lending::RepaymentMethodName(product.method) + ", not " + f.method,
                             "--method");
    }
    terms = lending::TermsFromProduct(product, request);
    apr_cap_bps = product.apr_cap_bps;
    priced.product = product.name;
  }
  if (!terms.ok()) return AtFlagOfField(terms.status());
  Result<lending::Schedule> schedule = lending::PriceOffer(*terms, apr_cap_bps);
  if (!schedule.ok()) return AtFlagOfField(schedule.status());
  priced.schedule = std::move(*schedule);
  return priced;
}

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

// A ledger fault, its path (a request field) replaced by the flag to fix.
Status AtLedgerFlag(const Status& status) {
  const std::string& field = status.path();
  if (field == "amount") return AtFlag(status, "--amount");
  if (field == "loan") return AtFlag(status, "--loan");
  if (field == "request_key") return AtFlag(status, "--request-key");
  if (field == "upfront_fee") return AtFlag(status, "--product");
  return status;  // a store fault names the database file
}

// Money as the CLI prints it: a decimal string ("2700.00").
std::string Yuan(int64_t fen) { return FormatMoneyFen(fen); }

// A loan as `credo loan show --json` prints it.
nlohmann::json LoanJson(const ledger::LoanRecord& loan) {
  nlohmann::json installments = nlohmann::json::array();
  int64_t owed_fen = 0;
  for (const ledger::LoanInstallment& i : loan.installments) {
    owed_fen += i.owed_fen();
    installments.push_back({{"number", i.plan.number},
                            {"due_date", i.plan.due_date.ToString()},
                            {"principal", Yuan(i.plan.principal_fen)},
                            {"interest", Yuan(i.plan.interest_fen)},
                            {"fee", Yuan(i.plan.fee_fen)},
                            {"installment", Yuan(i.plan.installment_fen)},
                            {"principal_paid", Yuan(i.principal_paid_fen)},
                            {"interest_paid", Yuan(i.interest_paid_fen)},
                            {"fee_paid", Yuan(i.fee_paid_fen)},
                            {"penalty_paid", Yuan(i.penalty_paid_fen)},
                            {"owed", Yuan(i.owed_fen())}});
  }
  return {{"loan_id", loan.id},
          {"product", loan.product},
          {"method", lending::RepaymentMethodName(loan.terms.method)},
          {"principal", Yuan(loan.terms.principal_fen)},
          {"term_months", loan.terms.term_months},
          {"start", loan.terms.start.ToString()},
          {"apr_irr_bps", loan.apr_irr_bps},
          {"status", ledger::LoanStatusName(loan.status)},
          {"owed", Yuan(owed_fen)},
          {"customer_credit", Yuan(loan.customer_credit_fen)},
          {"installments", installments}};
}

void AddOpenCommand(CLI::App* loan, Action* action) {
  struct Flags {
    PricingFlags pricing;
    std::string db;
    std::string request_key;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand("open", "Open and disburse a loan on the ledger");
  AddPricingFlags(cmd, &f->pricing);
  cmd->add_option("--db", f->db, "Ledger database (SQLite; created if missing)")->required();
  cmd->add_option("--request-key", f->request_key,
                  "Idempotency key: repeating it returns the first result and posts nothing")
      ->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(PricedLoan priced, PriceFromFlags(f->pricing));
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(f->db));
      ledger::Ledger book(*store);
      Result<ledger::OpenLoanResult> opened =
          book.OpenLoan({f->request_key, priced.product, priced.schedule});
      if (!opened.ok()) return AtLedgerFlag(opened.status());
      const nlohmann::json out = {{"loan_id", opened->loan_id},
                                  {"entry_id", opened->entry_id},
                                  {"principal", Yuan(priced.schedule.terms.principal_fen)},
                                  {"cash_paid", Yuan(opened->cash_paid_fen)},
                                  {"apr_irr_bps", priced.schedule.apr_irr_bps},
                                  {"replayed", opened->replayed}};
      std::cout << out.dump(2) << "\n";
      return Status::Ok();
    };
  });
}

void AddRepayCommand(CLI::App* loan, Action* action) {
  struct Flags {
    std::string db;
    std::string request_key;
    int64_t loan_id = 0;
    std::string amount;
    std::string date;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand(
      "repay", "Post a repayment (penalty, fees, interest, principal; oldest installment first)");
  cmd->add_option("--db", f->db, "Ledger database (SQLite)")->required();
  cmd->add_option("--request-key", f->request_key,
                  "Idempotency key: repeating it returns the first result and posts nothing")
      ->required();
  cmd->add_option("--loan", f->loan_id, "Loan id")->required();
  cmd->add_option("--amount", f->amount, "Amount paid, in yuan with at most two decimals")->required();
  cmd->add_option("--date", f->date, "Business date of the payment, YYYY-MM-DD")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      Result<int64_t> amount = ParseMoneyFen(f->amount);
      if (!amount.ok()) return AtFlag(amount.status(), "--amount");
      Result<CivilDate> date = CivilDate::Parse(f->date);
      if (!date.ok()) return AtFlag(date.status(), "--date");
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(f->db));
      ledger::Ledger book(*store);
      Result<ledger::RepaymentResult> paid = book.Repay({f->request_key, f->loan_id, *amount, *date});
      if (!paid.ok()) return AtLedgerFlag(paid.status());
      const ledger::Allocation& a = paid->allocation;
      const nlohmann::json out = {{"loan_id", paid->loan_id},
                                  {"entry_id", paid->entry_id},
                                  {"amount", Yuan(paid->amount_fen)},
                                  {"penalty", Yuan(a.penalty_fen)},
                                  {"fee", Yuan(a.fee_fen)},
                                  {"interest", Yuan(a.interest_fen)},
                                  {"principal", Yuan(a.principal_fen)},
                                  {"customer_credit", Yuan(a.overpayment_fen)},
                                  {"loan_closed", paid->loan_closed},
                                  {"replayed", paid->replayed}};
      std::cout << out.dump(2) << "\n";
      return Status::Ok();
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
  cmd->add_option("--db", f->db, "Ledger database (SQLite)")->required();
  cmd->add_option("--loan", f->loan_id, "Loan id")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(f->db));
      Result<ledger::LoanRecord> loan = ledger::Ledger(*store).GetLoan(f->loan_id);
      if (!loan.ok()) return AtFlag(loan.status(), "--loan");
      std::cout << LoanJson(*loan).dump(2) << "\n";
      return Status::Ok();
    };
  });
}

}  // namespace

void AddLoanCommands(CLI::App& app, Action* action) {
  CLI::App* loan =
      app.add_subcommand("loan", "Loans: schedules and pricing; open, repay and show loans on the ledger");
  loan->require_subcommand(1);
  AddScheduleCommand(loan, action);
  AddOpenCommand(loan, action);
  AddRepayCommand(loan, action);
  AddShowCommand(loan, action);
}

}  // namespace credo::cli
