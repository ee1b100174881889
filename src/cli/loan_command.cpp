// `credo loan schedule`: the repayment schedule and IRR-based APR of a loan,
// from a product file or as a plain monthly loan (docs/lending.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/subcommands.h"
#include "core/money.h"
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

void AddScheduleCommand(CLI::App* loan, Action* action) {
  struct Flags {
    std::string product;
    std::string method;
    std::string principal;
    int term = 0;
    int64_t apr_bps = 0;
    std::string start;
    std::string rounding;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = loan->add_subcommand(
      "schedule", "Print a loan's repayment schedule and its APR (IRR method, all fees included)");
  cmd->add_option("--product", f->product,
                  "Product file (YAML, examples/products/); default a plain monthly loan");
  cmd->add_option("--method", f->method, "Repayment method (default: the product's, else equal-installment)")
      ->check(CLI::IsMember({"equal-installment", "equal-principal", "interest-only", "flat-fee"}));
  cmd->add_option("--principal", f->principal, "Amount lent, in yuan with at most two decimals (2700.00)")
      ->required();
  cmd->add_option("--term", f->term, "Term in months")->required();
  CLI::Option* apr_option = cmd->add_option(
      "--apr-bps", f->apr_bps,
      "Nominal annual interest rate in bps (2000 = 20%); monthly rate = annual / 12. For flat-fee without a "
      "product, the advertised flat rate: fee = principal x rate / 12 each month. With a product, default "
      "its "
      "lowest rate");
  cmd->add_option("--start", f->start, "Disbursement date, YYYY-MM-DD; installments fall due monthly from it")
      ->required();
  cmd->add_option("--rounding", f->rounding,
                  "How amounts round to a fen (default: the product's, else half-up)")
      ->check(CLI::IsMember({"half-up", "up", "down", "half-even"}));
  cmd->add_flag("--json", f->json, "Print the schedule as JSON, amounts as decimal strings");
  cmd->callback([=] {
    *action = [=]() -> Status {
      lending::OfferRequest request;
      Result<int64_t> principal = ParseMoneyFen(f->principal);
      if (!principal.ok()) return AtFlag(principal.status(), "--principal");
      request.principal_fen = *principal;
      request.term_months = f->term;
      if (apr_option->count() > 0) request.rate_bps = f->apr_bps;
      Result<CivilDate> start = CivilDate::Parse(f->start);
      if (!start.ok()) return AtFlag(start.status(), "--start");
      request.start = *start;
      if (!f->rounding.empty()) {
        CREDO_ASSIGN_OR_RETURN(request.rounding, lending::ParseRoundingMode(f->rounding));
      }
      std::optional<lending::RepaymentMethod> method;
      if (!f->method.empty()) {
        CREDO_ASSIGN_OR_RETURN(method, lending::ParseRepaymentMethod(f->method));
      }

      Result<lending::LoanTerms> terms = Status::Internal("unset");
      int64_t apr_cap_bps = lending::kDefaultAprCapBps;
      if (f->product.empty()) {
        if (!request.rate_bps) return Status::Usage("--apr-bps is required without --product");
        terms = lending::PlainTerms(method.value_or(lending::RepaymentMethod::kEqualInstallment), request);
      } else {
        CREDO_ASSIGN_OR_RETURN(lending::Product product, lending::LoadProductFile(f->product));
        if (method && *method != product.method) {
          return Status::Invalid("product '" + product.name + "' repays by " +
                                     lending::RepaymentMethodName(product.method) + ", not " + f->method,
                                 "--method");
        }
        terms = lending::TermsFromProduct(product, request);
        apr_cap_bps = product.apr_cap_bps;
      }
      if (!terms.ok()) return AtFlagOfField(terms.status());
      Result<lending::Schedule> schedule = lending::PriceOffer(*terms, apr_cap_bps);
      if (!schedule.ok()) return AtFlagOfField(schedule.status());
      std::cout << (f->json ? lending::ScheduleToJson(*schedule).dump(2) + "\n"
                            : lending::FormatScheduleTable(*schedule));
      return Status::Ok();
    };
  });
}

}  // namespace

void AddLoanCommands(CLI::App& app, Action* action) {
  CLI::App* loan = app.add_subcommand("loan", "Loans: repayment schedules and pricing");
  loan->require_subcommand(1);
  AddScheduleCommand(loan, action);
}

}  // namespace credo::cli
