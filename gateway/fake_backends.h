// Test double for Backends: records every call and answers as a test tells it, at once
// and on the calling thread. Uploads keep the messages written to them; downloads answer
// their Nexts from a script. Safe to use from the server's io threads while a test reads
// what it recorded once the HTTP answer is in.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/backends.h"

namespace qq::gateway {

class FakeBackends : public Backends {
 public:
  // What happened to one upload.
  struct Upload {
    BackendCall call;
    std::vector<std::string> messages;  // serialized, in the order written
    bool finished = false;
    bool cancelled = false;
  };

  // What happened to one download.
  struct Download {
    BackendCall call;
    int nexts = 0;
    bool cancelled = false;
  };

  void Call(BackendCall call, BackendCallDone done) override {
    absl::StatusOr<std::string> answer;
    {
      std::lock_guard lock(mu_);
      calls.push_back(std::move(call));
      answer = result;
    }
    done(std::move(answer));
  }

  std::shared_ptr<UploadCall> StartUpload(const BackendCall& call) override {
    std::lock_guard lock(mu_);
    uploads_.push_back(std::make_shared<Upload>(Upload{call, {}, false, false}));
    return std::make_shared<FakeUpload>(*this, uploads_.back());
  }

  std::shared_ptr<DownloadCall> StartDownload(const BackendCall& call) override {
    std::lock_guard lock(mu_);
    downloads_.push_back(std::make_shared<Download>(Download{call, 0, false}));
    return std::make_shared<FakeDownload>(*this, downloads_.back());
  }

  void CheckHealth(std::chrono::milliseconds timeout, HealthDone done) override {
    health_timeout = timeout;
    done(health);
  }

  // Copies, for reading while the server may still be working.
  std::vector<Upload> Uploads() {
    std::lock_guard lock(mu_);
    std::vector<Upload> out;
    for (const auto& upload : uploads_) out.push_back(*upload);
    return out;
  }
  std::vector<Download> Downloads() {
    std::lock_guard lock(mu_);
    std::vector<Download> out;
    for (const auto& download : downloads_) out.push_back(*download);
    return out;
  }

  // Unary calls: the answer to each.
  std::vector<BackendCall> calls;
  absl::StatusOr<std::string> result = std::string();
  // Uploads: what Finish answers, and the index of a Write that fails (-1: none).
  absl::StatusOr<std::string> upload_result = std::string();
  int failing_write = -1;
  // Downloads: each Next takes the next answer; past the script the call ends well.
  std::deque<absl::StatusOr<std::optional<std::string>>> download_script;
  std::vector<BackendHealth> health;
  std::chrono::milliseconds health_timeout{0};

 private:
  class FakeUpload final : public UploadCall {
   public:
    FakeUpload(FakeBackends& owner, std::shared_ptr<Upload> upload)
        : owner_(owner), upload_(std::move(upload)) {}
    void Write(std::string message, std::function<void(bool)> done) override {
      bool ok;
      {
        std::lock_guard lock(owner_.mu_);
        ok = !upload_->cancelled &&
             static_cast<int>(upload_->messages.size()) != owner_.failing_write;
        if (ok) upload_->messages.push_back(std::move(message));
      }
      done(ok);
    }
    void Finish(BackendCallDone done) override {
      absl::StatusOr<std::string> answer;
      {
        std::lock_guard lock(owner_.mu_);
        upload_->finished = true;
        answer = owner_.upload_result;
      }
      done(std::move(answer));
    }
    void Cancel() override {
      std::lock_guard lock(owner_.mu_);
      upload_->cancelled = true;
    }

   private:
    FakeBackends& owner_;
    std::shared_ptr<Upload> upload_;
  };

  class FakeDownload final : public DownloadCall {
   public:
    FakeDownload(FakeBackends& owner, std::shared_ptr<Download> download)
        : owner_(owner), download_(std::move(download)) {}
    void Next(NextDone done) override {
      absl::StatusOr<std::optional<std::string>> answer = std::nullopt;
      {
        std::lock_guard lock(owner_.mu_);
        ++download_->nexts;
        if (download_->cancelled) {
          answer = absl::CancelledError("cancelled");
        } else if (!owner_.download_script.empty()) {
          answer = std::move(owner_.download_script.front());
          owner_.download_script.pop_front();
        }
      }
      done(std::move(answer));
    }
    void Cancel() override {
      std::lock_guard lock(owner_.mu_);
      download_->cancelled = true;
    }

   private:
    FakeBackends& owner_;
    std::shared_ptr<Download> download_;
  };

  std::mutex mu_;
  std::vector<std::shared_ptr<Upload>> uploads_;
  std::vector<std::shared_ptr<Download>> downloads_;
};

}  // namespace qq::gateway
