// The broker's registry: online users and the index of their shared files.
#include "server/registry.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "common/base/hex.h"
#include "common/wire/broker_limits.h"

namespace peerlink::broker {

std::string fold_name(std::string_view name) {
  std::string out(name);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

bool Registry::contains(std::string_view name) const { return find(name) != nullptr; }

const User* Registry::find(std::string_view name) const {
  auto it = users_.find(fold_name(name));
  return it == users_.end() ? nullptr : &it->second;
}

User* Registry::find_mutable(std::string_view name) {
  auto it = users_.find(fold_name(name));
  return it == users_.end() ? nullptr : &it->second;
}

bool Registry::add(User user) {
  if (contains(user.name)) return false;
  std::string key = fold_name(user.name);
  user.generation = ++last_generation_;
  auto [it, inserted] = users_.emplace(key, std::move(user));
  it->second.set = store_.add_set(&it->second, FileMap());
  it->second.file_count = 0;
  return inserted;
}

void Registry::remove(std::string_view name) {
  auto it = users_.find(fold_name(name));
  if (it == users_.end()) return;
  store_.retire(it->second.set);
  users_.erase(it);
}

uint64_t Registry::replace_files(std::string_view name, FileMap files) {
  User* u = find_mutable(name);
  if (u == nullptr) return 0;
  store_.retire(u->set);
  u->file_count = files.size();
  u->set = store_.add_set(u, std::move(files));
  u->generation = ++last_generation_;
  return u->generation;
}

bool Registry::index_some(std::string_view name, uint64_t generation, size_t* cursor,
                          size_t max_files) {
  const User* u = find(name);
  if (u == nullptr || u->generation != generation) return true;  // gone
  return store_.index_some(u->set, cursor, max_files);
}

void Registry::set_files(std::string_view name, std::vector<SharedFile> files) {
  FileMap map;
  for (auto& f : files) {
    std::string key = f.name;
    map[key] = std::move(f);
  }
  uint64_t generation = replace_files(name, std::move(map));
  size_t cursor = 0;
  while (!index_some(name, generation, &cursor, SIZE_MAX)) {
  }
}

std::optional<FileInfo> Registry::find_file(const User& u, std::string_view name) const {
  size_t i = store_.find(u.set, name);
  if (i == SIZE_MAX) return std::nullopt;
  return file_at(u, i);
}

size_t Registry::scan(ScanCursor* cur, size_t budget,
                      const std::function<bool(const User&, const FileInfo&)>& visit) const {
  size_t spent = 0;
  if (cur->done) return 0;
  auto u = cur->started ? users_.lower_bound(cur->user_key) : users_.begin();
  bool same_user = cur->started && u != users_.end() && u->first == cur->user_key;
  for (; u != users_.end(); ++u, same_user = false) {
    const std::vector<uint32_t>& files = store_.files(u->second.set);
    size_t i = same_user ? store_.upper_bound(u->second.set, cur->file) : 0;
    for (; i < files.size(); ++i) {
      if (spent >= budget) {
        return spent;  // the cursor still points at the last file visited
      }
      FileInfo f = store_.info(files[i]);
      spent += f.name->size() + kScanFileCost;
      cur->started = true;
      cur->user_key = u->first;
      cur->file = *f.name;
      if (!visit(u->second, f)) return spent;
    }
  }
  cur->done = true;
  return spent;
}

std::vector<Registry::FileRef> Registry::all_files(size_t limit) const {
  std::vector<FileRef> out;
  if (limit == 0) return out;
  ScanCursor cur;
  scan(&cur, SIZE_MAX, [&](const User& u, const FileInfo& f) {
    out.push_back({&u, f});
    return out.size() < limit;
  });
  return out;
}

// Linear in the bytes scanned: both sides are folded beforehand and memmem() is the two-way
// algorithm (glibc, musl), O(n + m), unlike std::search with a folding predicate (O(n * m)).
bool contains_folded(std::string_view folded_hay, std::string_view folded_needle) {
  if (folded_needle.empty()) return true;
  if (folded_needle.size() > folded_hay.size()) return false;
  return ::memmem(folded_hay.data(), folded_hay.size(), folded_needle.data(),
                  folded_needle.size()) != nullptr;
}

bool name_contains(std::string_view name, std::string_view folded_needle) {
  if (folded_needle.size() > name.size()) return false;
  char folded[wire::kMaxFileNameBytes];
  if (name.size() > sizeof folded) return contains_folded(fold_name(name), folded_needle);
  for (size_t i = 0; i < name.size(); ++i) {
    char ch = name[i];
    folded[i] = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  return contains_folded(std::string_view(folded, name.size()), folded_needle);
}

std::vector<Registry::FileRef> Registry::search(std::string_view needle, size_t limit) const {
  std::vector<FileRef> out;
  if (limit == 0) return out;
  std::string folded = fold_name(needle);
  ScanCursor cur;
  scan(&cur, SIZE_MAX, [&](const User& u, const FileInfo& f) {
    if (name_contains(*f.name, folded)) out.push_back({&u, f});
    return out.size() < limit;
  });
  return out;
}

std::vector<Registry::FileRef> Registry::who_has(std::string_view key, size_t limit,
                                                 const User* except) {
  if (std::string hash; parse_sha256_hex(key, &hash)) {
    std::string raw;
    from_hex(hash, &raw);
    return store_.sample_by_digest(Digest(raw), limit, except);
  }
  return store_.sample_by_name(key, limit, except);
}

std::optional<FileInfo> Registry::owner_file(const User& u, std::string_view key) const {
  std::string hash;
  if (!parse_sha256_hex(key, &hash)) return find_file(u, key);
  for (size_t i = 0; i < stored_count(u); ++i) {  // at most max_files_per_user
    FileInfo f = file_at(u, i);
    if (f.sha256->hex() == hash) return f;
  }
  return std::nullopt;
}

}  // namespace peerlink::broker
