// server/http_server.h — the HTTP/JSON API of `credo serve` on top of a
// DecisionService and, when the server runs a ledger, a LoanService (routes
// in docs/api.md).
//
// libmicrohttpd underneath: a few threads, each running an epoll loop over
// many keep-alive connections, answer requests on the loop thread. One
// thread per core is the right size; more only adds context switches.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "features/velocity_store.h"
#include "server/decision_service.h"
#include "server/loan_routes.h"

namespace credo::server {

// Serves a DecisionService (and a LoanService) over HTTP until stopped.
// Start and Stop are called from one thread; requests run on the pool.
class Server {
 public:
  // `service`, `velocity` when given (the store POST /v1/events records in)
  // and `loans` when given (the loan and credit-line routes; without it they
  // answer 503 no_ledger) must outlive the server.
  explicit Server(DecisionService* service, features::VelocityStore* velocity = nullptr,
                  LoanService* loans = nullptr);
  // Stops the server if it is running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens on `host` (an IPv4 address or "localhost"):`port` (0: any free
  // port, see port()) with `threads` event-loop threads; returns once
  // connections are accepted.
  Status Start(const std::string& host, int port, int threads);
  // The port listened on.
  int port() const;
  // Stops accepting, finishes the requests in progress, joins the threads.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace credo::server
