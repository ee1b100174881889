// cli/loan_flags.h — what the `credo loan` and `credo line` commands share:
// pricing a loan from flags (a product file or plain terms), the flags that
// name a ledger and a request, and running an operation on the ledger with
// its faults reported at the flag that fixes them.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/civil_date.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "lending/schedule.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace credo::cli {

// The flags that price a loan: a product file or plain terms. The principal
// and start date flags are named by the command ("--principal"/"--start" for
// `loan schedule|open`, "--amount"/"--date" for `line draw`).
struct PricingFlags {
  std::string product;
  std::string method;
  std::string principal;
  int term = 0;
  int64_t apr_bps = 0;
  CLI::Option* apr_option = nullptr;
  std::string start;
  std::string rounding;
  std::string principal_flag = "--principal";
  std::string start_flag = "--start";
};

// Registers the pricing flags of `loan schedule|open` on `cmd`.
void AddPricingFlags(CLI::App* cmd, PricingFlags* f);
// Registers --apr-bps alone (a draw takes everything else from its line's product).
void AddRateFlag(CLI::App* cmd, PricingFlags* f);

// A priced schedule and the name of the product it came from ("plain").
struct PricedLoan {
  lending::Schedule schedule;
  std::string product = "plain";
};

// Prices the loan the flags describe, checked against the APR cap.
Result<PricedLoan> PriceFromFlags(const PricingFlags& f);

// The same fault, its path replaced by the flag the user can fix.
Status AtFlag(const Status& status, const std::string& flag);

// A ledger fault, its path (a request field) replaced by the flag to fix.
Status AtLedgerFlag(const Status& status);

// A date or an amount given as flag `flag`; a fault names the flag.
Result<CivilDate> ParseDateFlag(const std::string& text, const std::string& flag);
Result<int64_t> ParseAmountFlag(const std::string& text, const std::string& flag);

// Registers `--db` (required) on `cmd`.
void AddDbFlag(CLI::App* cmd, std::string* db);
// Registers `--request-key` (required) on `cmd`.
void AddRequestKeyFlag(CLI::App* cmd, std::string* key);

// Opens the ledger `db`, runs `work` on it and prints what it returns as
// JSON; a fault of `work` is reported at the flag that fixes it.
Status PrintFromLedger(const std::string& db,
                       const std::function<Result<nlohmann::json>(ledger::Ledger&)>& work);

// What `loan open` and `line draw` print: {loan_id, entry_id, principal,
// cash_paid, apr_irr_bps, replayed}.
nlohmann::json OpenedJson(const ledger::OpenLoanResult& opened, const lending::Schedule& schedule);

}  // namespace credo::cli
