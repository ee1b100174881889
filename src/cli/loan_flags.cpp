#include "cli/loan_flags.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "core/money.h"
#include "ledger/json_views.h"
#include "ledger/open_store.h"
#include "lending/offer.h"
#include "lending/product.h"

namespace credo::cli {
namespace {

// Lending names the request field at fault; the user knows its flag.
Status AtFlagOfField(const Status& status, const PricingFlags& f) {
  const std::string& field = status.path();
  if (field == "principal") return AtFlag(status, f.principal_flag);
  if (field == "term") return AtFlag(status, "--term");
  if (field == "rate") return AtFlag(status, "--apr-bps");
  if (field == "method") return AtFlag(status, "--method");
  return AtFlag(status, "--product");  // fees and discounts come from the product
}

}  // namespace

void AddRateFlag(CLI::App* cmd, PricingFlags* f) {
  f->apr_option = cmd->add_option(
      "--apr-bps", f->apr_bps,
      "Nominal annual interest rate in bps (2000 = 20%); monthly rate = annual / 12. For flat-fee without a "
      "product, the advertised flat rate: fee = principal x rate / 12 each month. With a product, default "
      "its lowest rate");
}

void AddPricingFlags(CLI::App* cmd, PricingFlags* f) {
  cmd->add_option("--product", f->product,
                  "Product file (YAML, examples/products/); default a plain monthly loan");
  cmd->add_option("--method", f->method, "Repayment method (default: the product's, else equal-installment)")
      ->check(CLI::IsMember({"equal-installment", "equal-principal", "interest-only", "flat-fee"}));
  cmd->add_option("--principal", f->principal, "Amount lent, in yuan with at most two decimals (2700.00)")
      ->required();
  cmd->add_option("--term", f->term, "Term in months")->required();
  AddRateFlag(cmd, f);
  cmd->add_option("--start", f->start, "Disbursement date, YYYY-MM-DD; installments fall due monthly from it")
      ->required();
  cmd->add_option("--rounding", f->rounding,
                  "How amounts round to a fen (default: the product's, else half-up)")
      ->check(CLI::IsMember({"half-up", "up", "down", "half-even"}));
}

Result<PricedLoan> PriceFromFlags(const PricingFlags& f) {
  lending::OfferRequest request;
  CREDO_ASSIGN_OR_RETURN(request.principal_fen, ParseAmountFlag(f.principal, f.principal_flag));
  request.term_months = f.term;
  if (f.apr_option->count() > 0) request.rate_bps = f.apr_bps;
  CREDO_ASSIGN_OR_RETURN(request.start, ParseDateFlag(f.start, f.start_flag));
  if (!f.rounding.empty()) {
    CREDO_ASSIGN_OR_RETURN(request.rounding, lending::ParseRoundingMode(f.rounding));
  }
  std::optional<lending::RepaymentMethod> method;
  if (!f.method.empty()) {
    CREDO_ASSIGN_OR_RETURN(method, lending::ParseRepaymentMethod(f.method));
  }

  PricedLoan priced;
  std::optional<lending::Product> product;
  if (f.product.empty()) {
    // A missing flag is a usage error (exit 1), before any pricing.
    if (!request.rate_bps) return Status::Usage("--apr-bps is required without --product");
  } else {
    CREDO_ASSIGN_OR_RETURN(product, lending::LoadProductFile(f.product));
    priced.product = product->name;
  }
  Result<lending::Schedule> schedule = lending::PriceRequest(request, method, product ? &*product : nullptr);
  if (!schedule.ok()) return AtFlagOfField(schedule.status(), f);
  priced.schedule = std::move(*schedule);
  return priced;
}

Status AtFlag(const Status& status, const std::string& flag) {
  return {status.code(), status.message(), flag};
}

Status AtLedgerFlag(const Status& status) {
  static const std::map<std::string, std::string> kFlags = {
      {"amount", "--amount"},       {"loan", "--loan"},         {"request_key", "--request-key"},
      {"upfront_fee", "--product"}, {"date", "--date"},         {"repayment_key", "--repayment-key"},
      {"mode", "--mode"},           {"customer", "--customer"}, {"customer_id", "--customer"},
      {"line", "--line"},           {"limit", "--limit"},       {"new_limit", "--limit"},
      {"product", "--product"}};
  auto it = kFlags.find(status.path());
  return it == kFlags.end() ? status : AtFlag(status, it->second);  // a store fault names the database
}

Result<CivilDate> ParseDateFlag(const std::string& text, const std::string& flag) {
  Result<CivilDate> date = CivilDate::Parse(text);
  if (!date.ok()) return AtFlag(date.status(), flag);
  return date;
}

Result<int64_t> ParseAmountFlag(const std::string& text, const std::string& flag) {
  Result<int64_t> fen = ParseMoneyFen(text);
  if (!fen.ok()) return AtFlag(fen.status(), flag);
  return fen;
}

void AddDbFlag(CLI::App* cmd, std::string* db) {
  cmd->add_option("--db", *db, "Ledger database: a SQLite file (created if missing) or a postgresql:// URI")
      ->required();
}

void AddRequestKeyFlag(CLI::App* cmd, std::string* key) {
  cmd->add_option("--request-key", *key,
                  "Idempotency key: repeating it returns the first result and posts nothing")
      ->required();
}

Status PrintFromLedger(const std::string& db,
                       const std::function<Result<nlohmann::json>(ledger::Ledger&)>& work) {
  CREDO_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerStore> store, ledger::OpenLedgerStore(db));
  ledger::Ledger book(*store);
  Result<nlohmann::json> out = work(book);
  if (!out.ok()) return AtLedgerFlag(out.status());
  std::cout << out->dump(2) << "\n";
  return Status::Ok();
}

nlohmann::json OpenedJson(const ledger::OpenLoanResult& opened, const lending::Schedule& schedule) {
  nlohmann::json out = ledger::ToJson(opened);
  out["principal"] = FormatMoneyFen(schedule.terms.principal_fen);
  out["apr_irr_bps"] = schedule.apr_irr_bps;
  return out;
}

}  // namespace credo::cli
