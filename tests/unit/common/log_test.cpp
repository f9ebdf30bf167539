// Unit tests of the logger's file (common/base/log.*): opening for append, and what a failure says.
#include "common/base/log.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tests/support/process.h"

namespace peerlink {
namespace {

TEST(Logger, AppendsLinesToTheFileItOpened) {
  testing::TempDir dir;
  Logger log;
  const Result r = log.open(dir.file("a.log"));
  ASSERT_TRUE(r.ok()) << r.message();
  log.line("first");
  log.flush();
  const auto text = testing::read_file(dir.file("a.log"));
  ASSERT_TRUE(text.has_value());
  EXPECT_NE(text->find("first\n"), std::string::npos) << *text;
}

TEST(Logger, AFileThatCannotBeOpenedNamesItAndItsErrno) {
  testing::TempDir dir;
  Logger log;
  const std::string path = dir.file("missing/a.log");
  const Result r = log.open(path);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ENOENT);
  EXPECT_EQ(r.message(), "cannot open log " + path + ": " + std::strerror(ENOENT));
}

}  // namespace
}  // namespace peerlink
