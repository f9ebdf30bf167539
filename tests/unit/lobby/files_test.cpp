// Unit tests of the lobby's view of shared files: FILE and OWNER lines, offer replies, and which
// content `get` downloads.
#include "client/lobby/files.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/wire/line_codec.h"

namespace peerlink::lobby {
namespace {

const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');
const std::string kOwnerKey(64, '4');  // the owner's public key, as the broker vouches it

BrokerMessage msg(const std::string& line) {
  BrokerMessage m;
  EXPECT_TRUE(parse_broker_message(line, &m)) << line;
  return m;
}

FetchSource owner(const std::string& name, uint64_t size, const std::string& sha,
                  const std::string& file = "notes.txt") {
  FetchSource s;
  s.owner = name;
  s.ip = "127.0.0.1";
  s.port = 40000;
  s.file = file;
  s.size = size;
  s.sha256 = sha;
  s.key = kOwnerKey;
  s.ticket = "1763712000-" + std::string(64, 'c');
  return s;
}

TEST(ClientFiles, FileLines) {
  FileEntry f;
  ASSERT_TRUE(parse_file_line(msg("FILE alice my%20song.ogg 4000000 " + kShaA), &f));
  EXPECT_EQ(f.owner, "alice");
  EXPECT_EQ(f.name, "my song.ogg");
  EXPECT_EQ(f.size, 4000000u);
  EXPECT_EQ(f.sha256, kShaA);
  EXPECT_EQ(file_line(f), "  alice  my song.ogg  4000000 bytes  sha256 aaaaaaaaaaaa");
  EXPECT_FALSE(parse_file_line(msg("FILE alice x 1"), &f));
  EXPECT_FALSE(parse_file_line(msg("FILE al%20ice x 1 " + kShaA), &f));
  EXPECT_FALSE(parse_file_line(msg("FILE alice x big " + kShaA), &f));
  EXPECT_FALSE(parse_file_line(msg("OK FILES 1"), &f));
  // A name with control bytes is shown safely.
  ASSERT_TRUE(parse_file_line(msg("FILE alice a%1Bb 1 " + kShaA), &f));
  EXPECT_EQ(file_line(f), "  alice  a?b  1 bytes  sha256 aaaaaaaaaaaa");
  // So is one with a bidi override (from an older broker that let it through): `files` shows
  // "invoice_?fdp.exe", never something a terminal turns into "invoice_exe.pdf".
  ASSERT_TRUE(parse_file_line(msg("FILE alice invoice_%E2%80%AEfdp.exe 1 " + kShaA), &f));
  EXPECT_EQ(file_line(f), "  alice  invoice_?fdp.exe  1 bytes  sha256 aaaaaaaaaaaa");
}

// A terminal shows sizes for people; `--bytes` and scripts exact sizes; scripts percent-encode
// names, so "two  spaces.txt" stays one column and decodes back to itself.
TEST(ClientFiles, ListingStyles) {
  const FileEntry f{"alice", "two  spaces.txt", 52428800, kShaA};
  EXPECT_EQ(file_line(f, listing_style(true, false)),
            "  alice  two  spaces.txt  50.0 MiB  sha256 aaaaaaaaaaaa");
  EXPECT_EQ(file_line(f, listing_style(true, true)),
            "  alice  two  spaces.txt  52428800 bytes  sha256 aaaaaaaaaaaa");
  const std::string scripted = file_line(f, listing_style(false, false));
  EXPECT_EQ(scripted, "  alice  two%20%20spaces.txt  52428800 bytes  sha256 aaaaaaaaaaaa");
  EXPECT_EQ(file_line(f, listing_style(false, true)), scripted);
  const std::vector<std::string_view> columns = split_fields(scripted);
  ASSERT_EQ(columns.size(), 6u);
  std::string name;
  ASSERT_TRUE(percent_decode(columns[1], &name));
  EXPECT_EQ(name, f.name);
  // A control byte is encoded, not replaced: a script gets the name as the owner has it.
  EXPECT_EQ(listed_name("a\x1b"
                        "b%",
                        listing_style(false, false)),
            "a%1Bb%25");
  EXPECT_EQ(listed_name("a\x1b"
                        "b%",
                        listing_style(true, false)),
            "a?b%");
}

TEST(ClientFiles, OwnerLinesRoundTrip) {
  const std::string line = "OWNER alice 127.0.0.1 40001 read%20me.txt 15 " + kShaA + " " +
                           kOwnerKey + " 1763712000-" + std::string(64, 'd');
  FetchSource s;
  ASSERT_TRUE(parse_owner_message(msg(line), &s));
  EXPECT_EQ(s.owner, "alice");
  EXPECT_EQ(s.port, 40001);
  EXPECT_EQ(s.file, "read me.txt");
  EXPECT_EQ(s.size, 15u);
  EXPECT_EQ(s.key, kOwnerKey);
  EXPECT_EQ(owner_line(s), line);  // what the downloader gets through --secret-fd
  EXPECT_FALSE(parse_owner_message(
      msg("OWNER alice 127.0.0.1 0 x 1 " + kShaA + " " + kOwnerKey + " t"), &s));
  EXPECT_FALSE(parse_owner_message(
      msg("OWNER alice 127.0.0.1 1 ../x 1 " + kShaA + " " + kOwnerKey + " t"), &s));
  // Without the owner's key (the old 8-field line, or `-`), no source: it could not be checked.
  EXPECT_FALSE(parse_owner_message(msg("OWNER alice 127.0.0.1 1 x 1 " + kShaA + " t"), &s));
  EXPECT_FALSE(parse_owner_message(msg("OWNER alice 127.0.0.1 1 x 1 " + kShaA + " - t"), &s));
  EXPECT_FALSE(parse_owner_message(msg("FILE alice x 1 " + kShaA), &s));
}

TEST(ClientFiles, OfferAcceptReply) {
  const std::string reply = "OK OFFER_ACCEPT 9 alice 127.0.0.1 40001 report.pdf 52344 " + kShaB +
                            " " + kOwnerKey + " 1763712000-" + std::string(64, 'e');
  FetchSource s;
  ASSERT_TRUE(parse_offer_accept(msg(reply), 9, &s));
  EXPECT_EQ(s.owner, "alice");
  EXPECT_EQ(s.file, "report.pdf");
  EXPECT_EQ(s.size, 52344u);
  EXPECT_EQ(s.sha256, kShaB);
  EXPECT_EQ(s.key, kOwnerKey);
  EXPECT_FALSE(parse_offer_accept(msg(reply), 10, &s));  // another offer's reply
  EXPECT_FALSE(parse_offer_accept(msg("OK OFFER_ACCEPT 9"), 9, &s));
  EXPECT_FALSE(parse_offer_accept(msg("OK OFFER_DECLINE 9"), 9, &s));
}

TEST(ClientFiles, Counts) {
  EXPECT_EQ(files_count(0), "no files");
  EXPECT_EQ(files_count(1), "1 file");
  EXPECT_EQ(files_count(2), "2 files");
  EXPECT_EQ(short_sha(kShaA), "aaaaaaaaaaaa");
}

TEST(ClientFiles, OneContentIsChosenFromEveryOwner) {
  DownloadChoice c = choose_download({owner("carol", 10, kShaA), owner("alice", 10, kShaA)}, "");
  ASSERT_EQ(c.kind, DownloadChoice::Kind::kChosen);
  EXPECT_EQ(c.name, "notes.txt");
  EXPECT_EQ(c.size, 10u);
  EXPECT_EQ(c.sha256, kShaA);
  ASSERT_EQ(c.sources.size(), 2u);
  EXPECT_EQ(c.sources[0].owner, "alice");  // sorted
  EXPECT_EQ(c.sources[1].owner, "carol");
}

TEST(ClientFiles, DifferentContentsNeedAUser) {
  std::vector<FetchSource> owners = {owner("alice", 13, kShaA), owner("bob", 19, kShaB),
                                     owner("carol", 19, kShaB)};
  DownloadChoice c = choose_download(owners, "");
  EXPECT_EQ(c.kind, DownloadChoice::Kind::kAmbiguous);
  EXPECT_EQ(c.sources.size(), 3u);

  c = choose_download(owners, "bob");
  ASSERT_EQ(c.kind, DownloadChoice::Kind::kChosen);
  EXPECT_EQ(c.sha256, kShaB);
  ASSERT_EQ(c.sources.size(), 2u);  // everyone with bob's content
  EXPECT_EQ(c.sources[0].owner, "bob");
  EXPECT_EQ(c.sources[1].owner, "carol");

  c = choose_download(owners, "dave");
  EXPECT_EQ(c.kind, DownloadChoice::Kind::kNotFromUser);
  EXPECT_EQ(choose_download({}, "").kind, DownloadChoice::Kind::kNobody);
}

TEST(ClientFiles, SameHashDifferentSizeIsAnotherContent) {
  DownloadChoice c = choose_download({owner("alice", 1, kShaA), owner("bob", 2, kShaA)}, "");
  EXPECT_EQ(c.kind, DownloadChoice::Kind::kAmbiguous);
}

TEST(ClientFiles, SourcesWithKeepsOneLinePerOwner) {
  std::vector<FetchSource> s =
      sources_with({owner("bob", 5, kShaA, "x"), owner("alice", 5, kShaA, "y"),
                    owner("bob", 5, kShaA, "z"), owner("carol", 5, kShaB)},
                   5, kShaA);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].owner, "alice");
  EXPECT_EQ(s[1].owner, "bob");
  EXPECT_EQ(s[1].file, "x");  // the first of bob's lines
}

}  // namespace
}  // namespace peerlink::lobby
