// Unit tests of the early-writeback pacer.
#include "common/fs/writeback.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "common/base/fd.h"

namespace peerlink {
namespace {

TEST(WritebackPacer, StartsWritebackOnceEveryInterval) {
  char path[] = "/tmp/peerlink-writeback-XXXXXX";
  UniqueFd fd(::mkstemp(path));
  ASSERT_TRUE(fd);
  ::unlink(path);
  WritebackPacer pacer(100);
  const std::string bytes(60, 'x');
  auto write_and_tell = [&](size_t n) {
    EXPECT_EQ(::write(fd.get(), bytes.data(), n), static_cast<ssize_t>(n));
    return pacer.wrote(fd.get(), n);
  };
  EXPECT_FALSE(write_and_tell(60));
  EXPECT_TRUE(write_and_tell(60));   // 120 >= 100
  EXPECT_FALSE(write_and_tell(60));  // the count started again
  EXPECT_TRUE(write_and_tell(40));
  EXPECT_FALSE(write_and_tell(1));
}

TEST(WritebackPacer, ManyThreadsKickAboutOncePerInterval) {
  WritebackPacer pacer(1000);
  std::atomic<int> kicks{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (pacer.wrote(-1, 10)) ++kicks;  // a bad fd only makes sync_file_range fail
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // 40,000 bytes at one kick per 1,000: never more than 40, and racing threads lose few.
  EXPECT_LE(kicks.load(), 40);
  EXPECT_GE(kicks.load(), 20);
}

TEST(SyncFolder, SyncsAFolderAndRefusesWhatIsNot) {
  char path[] = "/tmp/peerlink-syncdir-XXXXXX";
  ASSERT_NE(::mkdtemp(path), nullptr);
  EXPECT_TRUE(sync_folder(path));
  EXPECT_FALSE(sync_folder(std::string(path) + "/missing"));
  ::rmdir(path);
}

}  // namespace
}  // namespace peerlink
