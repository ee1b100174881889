// server/http_server.h — the HTTP/JSON API of `credo serve` on top of a
// DecisionService (routes in docs/api.md).
//
// One thread per open connection, taken from a fixed pool: keep-alive
// connections stay on their thread, so the pool should be at least as large
// as the number of clients that keep connections open.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "server/decision_service.h"

namespace credo::server {

// Serves a DecisionService over HTTP until stopped.
// Start and Stop are called from one thread; requests run on the pool.
class Server {
 public:
  // `service` must outlive the server.
  explicit Server(DecisionService* service);
  // Stops the server if it is running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens on `host`:`port` (port 0: any free port, see port()) with a pool
  // of `threads` request threads; returns once connections are accepted.
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
