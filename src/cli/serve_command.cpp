// `credo serve`: the HTTP/JSON decision API (docs/api.md) over a strategy
// directory, recording every decision in the audit log, until SIGINT/SIGTERM.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "audit/decision_log.h"
#include "cli/subcommands.h"
#include "decision/registry.h"
#include "features/velocity_rocksdb.h"
#include "server/decision_service.h"
#include "server/http_server.h"

namespace credo::cli {

void AddServeCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string strategies = "examples/strategies";
    std::string db = "credo-decisions.db";
    std::string velocity = "credo-velocity";
    int threads = 0;
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
      server::Server http(&service, velocity.get());
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
