// A web::App serving on a loopback port from a thread of its own, for the server tests:
// started (and waited for) by start(), stopped and joined by stop() or the destructor.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "server/app.h"

namespace pathways::testing {

class RunningApp {
 public:
  ~RunningApp() { stop(); }

  // Binds any free port and serves; returns once the server answers (a test failure if it
  // never does). Call with ASSERT_NO_FATAL_FAILURE.
  void start(web::ServerOptions o) {
    o.port = 0;
    app_ = std::make_unique<web::App>(std::move(o));
    app_->bind();
    ASSERT_GT(app_->port(), 0);
    thread_ = std::thread([this] { app_->serve(); });
    // Wait until the accept loop runs, so stop() cannot come before it.
    for (int i = 0; i < 200; ++i) {
      if (auto r = client().Get("/api/openapi.json"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the server did not answer";
  }

  void stop() {
    if (app_) app_->stop();
    if (thread_.joinable()) thread_.join();
    app_.reset();
  }

  int port() const { return app_->port(); }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", app_->port());
    c.set_connection_timeout(10);
    c.set_read_timeout(60);
    c.set_write_timeout(60);
    return c;
  }

 private:
  std::unique_ptr<web::App> app_;
  std::thread thread_;
};

}  // namespace pathways::testing
