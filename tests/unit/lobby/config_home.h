// Test fixture for the lobby's key files: XDG_CONFIG_HOME (and HOME) pointed at a fresh temporary
// folder for the test, put back afterwards, so no test reads or writes the real ~/.config.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace peerlink::lobby {

class ConfigHomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    save("XDG_CONFIG_HOME", &xdg_);
    save("HOME", &home_);
    ::setenv("XDG_CONFIG_HOME", xdg_dir().c_str(), 1);
    ::setenv("HOME", dir_.file("home").c_str(), 1);
  }
  void TearDown() override {
    restore("XDG_CONFIG_HOME", xdg_);
    restore("HOME", home_);
  }
  // XDG_CONFIG_HOME during the test (not created beforehand).
  std::string xdg_dir() const { return dir_.file("config"); }
  // The lobby's folder in it.
  std::string peerlink_dir() const { return xdg_dir() + "/peerlink"; }

  testing::TempDir dir_;

 private:
  static void save(const char* name, std::optional<std::string>* out) {
    const char* v = ::getenv(name);
    if (v != nullptr) *out = v;
  }
  static void restore(const char* name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  std::optional<std::string> xdg_;
  std::optional<std::string> home_;
};

}  // namespace peerlink::lobby
