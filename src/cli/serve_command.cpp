// `credo serve`: the HTTP/JSON decision API (docs/api.md) over a strategy
// directory, recording every decision in the audit log, and the loan
// servicing API on a ledger, until SIGINT/SIGTERM.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "audit/decision_log.h"
#include "cli/subcommands.h"
#include "decision/registry.h"
#include "features/velocity_rocksdb.h"
#include "server/decision_service.h"
#include "server/http_server.h"
#include "server/loan_routes.h"

namespace credo::cli {
namespace {

// The products directory served when --products is not given.
constexpr const char* kExampleProducts = "examples/products";

// The flags of the loan routes.
struct LedgerFlags {
  std::string ledger = "credo-ledger.db";
  std::string products;
  std::string disbursement_strategy;
  bool no_ledger = false;
};

// The loan service `flags` ask for, or none with --no-ledger. The default
// disbursement strategy must be one the registry serves.
Result<std::unique_ptr<server::LoanService>> OpenLoans(const LedgerFlags& flags,
                                                       const decision::StrategyRegistry& registry,
                                                       server::DecisionService* decisions) {
  if (flags.no_ledger) return std::unique_ptr<server::LoanService>();
  if (!flags.disbursement_strategy.empty() && !registry.Active(flags.disbursement_strategy).ok()) {
    return Status::Invalid("no strategy '" + flags.disbursement_strategy + "' to check disbursements with",
                           "--disbursement-strategy");
  }
  server::LoanServiceOptions options;
  options.ledger_db = flags.ledger;
  options.products_dir = flags.products;
  if (options.products_dir.empty() && std::filesystem::is_directory(kExampleProducts))
    options.products_dir = kExampleProducts;
  options.decisions = decisions;
  options.default_check_strategy = flags.disbursement_strategy;
  return server::LoanService::Open(options);
}

}  // namespace

void AddServeCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string strategies = "examples/strategies";
    std::string db = "credo-decisions.db";
    std::string velocity = "credo-velocity";
    int threads = 0;
    LedgerFlags loans;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* serve = app.add_subcommand("serve", "Serve the decision API over HTTP (docs/api.md)");
  serve->add_option("--host", flags->host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", flags->port, "Port to listen on (0: any free port)")->capture_default_str();
  serve
      ->add_option("--strategies", flags->strategies,
                   "Strategy directory (NAME.json, NAME/vN.json, NAME/ACTIVE)")
      ->capture_default_str();
  serve->add_option("--db", flags->db, "Audit log (SQLite file, created if absent)")->capture_default_str();
  serve
      ->add_option(
          "--velocity-store", flags->velocity,
          "Velocity store for POST /v1/events and velocity.* features (RocksDB directory, created if "
          "absent; \"\" for none)")
      ->capture_default_str();
  serve->add_option("--threads", flags->threads,
                    "Event-loop threads, each serving many connections (default: one per core)");
  serve
      ->add_option("--ledger", flags->loans.ledger,
                   "Ledger the loan routes run on (SQLite file, created if absent)")
      ->capture_default_str();
  serve->add_option("--products", flags->loans.products,
                    "Products directory (*.yaml) loans are priced from (default: examples/products when it "
                    "exists, else plain loans only)");
  serve->add_option(
      "--disbursement-strategy", flags->loans.disbursement_strategy,
      "Strategy every loan and draw is checked with before money moves, unless the request names "
      "its own check_strategy (default: no check)");
  serve->add_flag("--no-ledger", flags->loans.no_ledger, "Serve decisions only, without the loan routes");
  serve->callback([=] {
    *action = [=]() -> Status {
      // Block the stop signals before any thread starts, so every thread
      // inherits the mask and only sigwait below receives them.
      sigset_t stop_signals;
      sigemptyset(&stop_signals);
      sigaddset(&stop_signals, SIGINT);
      sigaddset(&stop_signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

      // The store first: strategies' features nodes read it.
      std::unique_ptr<features::RocksDbVelocityStore> velocity;
      if (!flags->velocity.empty()) {
        CREDO_ASSIGN_OR_RETURN(velocity, features::RocksDbVelocityStore::Open(flags->velocity));
      }
      CREDO_ASSIGN_OR_RETURN(auto registry,
                             decision::StrategyRegistry::Open(flags->strategies, velocity.get()));
      CREDO_ASSIGN_OR_RETURN(auto log, audit::DecisionLog::Open(flags->db));
      server::DecisionService service(registry.get(), log.get());
      CREDO_ASSIGN_OR_RETURN(std::unique_ptr<server::LoanService> loans,
                             OpenLoans(flags->loans, *registry, &service));
      server::Server http(&service, velocity.get(), loans.get());
      const int threads = flags->threads > 0
                              ? flags->threads
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      CREDO_RETURN_IF_ERROR(http.Start(flags->host, flags->port, threads));

      std::string loaded;
      for (const decision::StrategySummary& strategy : registry->List()) {
        loaded +=
            (loaded.empty() ? "" : ", ") + strategy.name + " v" + std::to_string(strategy.active_version);
      }
      std::cout << "credo serve: http://" << flags->host << ":" << http.port() << " strategies from "
                << flags->strategies << ": " << (loaded.empty() ? "none" : loaded) << "; audit log "
                << flags->db << "; velocity store " << (flags->velocity.empty() ? "none" : flags->velocity)
                << "; ledger "
                << (loans ? flags->loans.ledger + " (" + std::to_string(loans->product_count()) + " products)"
                          : "none")
                << std::endl;
      int received = 0;
      sigwait(&stop_signals, &received);
      std::cerr << "credo serve: stopping on " << (received == SIGINT ? "SIGINT" : "SIGTERM") << std::endl;
      http.Stop();
      return Status::Ok();
    };
  });
}

}  // namespace credo::cli
