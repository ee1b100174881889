#include "server/http_server.h"

#include <httplib.h>

#include <chrono>
#include <string_view>
#include <thread>

namespace credo::server {
namespace {

// Requests one keep-alive connection may carry before the server closes it
// (cpp-httplib's default is 5, which makes a load test mostly reconnect).
constexpr size_t kKeepAliveRequests = 1'000'000;
constexpr auto kKeepAliveIdle = std::chrono::seconds(5);

constexpr const char* kJsonType = "application/json";
constexpr const char* kPrometheusType = "text/plain; version=0.0.4";

// The route pattern a path belongs to, the `route` label of the request
// counter (a fixed set, whatever paths clients send).
std::string_view RouteOf(std::string_view path) {
  constexpr std::string_view kDecide = "/v1/decide/";
  constexpr std::string_view kDecisions = "/v1/decisions/";
  constexpr std::string_view kStrategy = "/v1/strategies/";
  if (path == "/healthz" || path == "/metrics" || path == "/v1/strategies") return path;
  if (path.starts_with(kDecide)) return "/v1/decide/{strategy}";
  if (path.starts_with(kDecisions)) return "/v1/decisions/{id}";
  if (path.starts_with(kStrategy)) {
    return path.ends_with("/activate") ? "/v1/strategies/{name}/activate" : "/v1/strategies/{name}";
  }
  return "other";
}

// The JSON error for a status cpp-httplib chose itself (no route, body too large...).
Reply LibraryErrorReply(const httplib::Request& request, int http_status) {
  switch (http_status) {
    case 404:
      return ErrorReply(404, "not_found", "no route " + request.method + " " + request.path, "$");
    case 413:
      return ErrorReply(413, "body_too_large",
                        "the body is larger than the limit of " + std::to_string(kMaxBodyBytes) + " bytes",
                        "$");
    case 400:
      return ErrorReply(400, "bad_request", "the request is not valid HTTP", "$");
    default:
      return ErrorReply(http_status, "http_error", "HTTP status " + std::to_string(http_status), "$");
  }
}

}  // namespace

struct Server::Impl {
  DecisionService* service;
  httplib::Server http;
  std::thread listener;
  int port = 0;

  void Send(const Reply& reply, httplib::Response& response) {
    if (!reply.error_code.empty()) service->metrics().CountError(reply.error_code);
    response.status = reply.http_status;
    response.set_content(reply.body, kJsonType);
  }

  void AddRoutes() {
    // The decision route first: cpp-httplib tries a method's routes in order.
    http.Post(R"(/v1/decide/([^/]+))", [this](const httplib::Request& request, httplib::Response& response) {
      Send(
          service->Decide(request.matches[1].str(), request.body, request.get_param_value("trace") == "true"),
          response);
    });
    http.Get(R"(/v1/decisions/([^/]+))",
             [this](const httplib::Request& request, httplib::Response& response) {
               Send(service->FindDecision(request.matches[1].str()), response);
             });
    http.Get("/v1/strategies", [this](const httplib::Request&, httplib::Response& response) {
      Send(service->ListStrategies(), response);
    });
    http.Put(R"(/v1/strategies/([^/]+))",
             [this](const httplib::Request& request, httplib::Response& response) {
               Send(service->UploadStrategy(request.matches[1].str(), request.body), response);
             });
    http.Post(R"(/v1/strategies/([^/]+)/activate)",
              [this](const httplib::Request& request, httplib::Response& response) {
                Send(service->ActivateStrategy(request.matches[1].str(), request.body), response);
              });
    http.Get("/healthz", [this](const httplib::Request&, httplib::Response& response) {
      Send(service->Health(), response);
    });
    http.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
      response.set_content(service->metrics().PrometheusText(), kPrometheusType);
    });
    // Statuses cpp-httplib sets itself (404 no route, 413, 400) get the JSON error body too.
    http.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& request, httplib::Response& response) {
          if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          Send(LibraryErrorReply(request, response.status), response);
          return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler(
        [this](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
          std::string what = "unexpected failure";
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          Send(ErrorReply(500, "internal", what, "$"), response);
        });
    http.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
      service->metrics().CountRequest(RouteOf(request.path), response.status);
    });
  }
};

Server::Server(DecisionService* service) : impl_(std::make_unique<Impl>()) {
  impl_->service = service;
  impl_->AddRoutes();
}

Server::~Server() { Stop(); }

Status Server::Start(const std::string& host, int port, int threads) {
  if (threads < 1)
    return Status::Usage("the server needs at least one thread, not " + std::to_string(threads));
  httplib::Server& http = impl_->http;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_payload_max_length(kMaxBodyBytes);
  http.set_keep_alive_max_count(kKeepAliveRequests);
  http.set_keep_alive_timeout(kKeepAliveIdle.count());
  http.set_tcp_nodelay(true);
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound < 0) return Status::Io("cannot listen on " + host + ":" + std::to_string(port));
  impl_->port = bound;
  impl_->listener = std::thread([&http] { http.listen_after_bind(); });
  // Stop() only works once the accept loop runs; the socket already queues connections.
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::Ok();
}

int Server::port() const { return impl_->port; }

void Server::Stop() {
  if (!impl_->listener.joinable()) return;
  impl_->http.stop();
  impl_->listener.join();
}

}  // namespace credo::server
