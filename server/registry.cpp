// The broker's registry: online users and the index of their shared files.
#include "server/registry.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "common/hex.h"

namespace peerlink {

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

static void fold_files(User* u) {
  for (auto& [fname, f] : u->files) {
    f.folded = fname;
    for (char& ch : f.folded) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
  }
}

bool Registry::add(User user) {
  if (contains(user.name)) return false;
  fold_files(&user);
  std::string key = fold_name(user.name);
  auto [it, inserted] = users_.emplace(key, std::move(user));
  index_files(it->second);
  return inserted;
}

void Registry::remove(std::string_view name) {
  auto it = users_.find(fold_name(name));
  if (it == users_.end()) return;
  unindex_files(it->second);
  users_.erase(it);
}

void Registry::set_files(std::string_view name, std::vector<SharedFile> files) {
  auto it = users_.find(fold_name(name));
  if (it == users_.end()) return;
  unindex_files(it->second);
  it->second.files.clear();
  for (auto& f : files) {
    std::string key = f.name;
    it->second.files[key] = std::move(f);
  }
  fold_files(&it->second);
  index_files(it->second);
}

void Registry::index_files(const User& u) {
  for (const auto& [fname, f] : u.files) {
    by_name_[fname].insert(u.name);
    by_hash_[f.sha256].insert({u.name, fname});
  }
}

void Registry::unindex_files(const User& u) {
  for (const auto& [fname, f] : u.files) {
    auto n = by_name_.find(fname);
    if (n != by_name_.end()) {
      n->second.erase(u.name);
      if (n->second.empty()) by_name_.erase(n);
    }
    auto h = by_hash_.find(f.sha256);
    if (h != by_hash_.end()) {
      h->second.erase({u.name, fname});
      if (h->second.empty()) by_hash_.erase(h);
    }
  }
}

size_t Registry::scan(ScanCursor* cur, size_t budget,
                      const std::function<bool(const User&, const SharedFile&)>& visit) const {
  size_t spent = 0;
  if (cur->done) return 0;
  auto u = cur->started ? users_.lower_bound(cur->user_key) : users_.begin();
  bool same_user = cur->started && u != users_.end() && u->first == cur->user_key;
  for (; u != users_.end(); ++u, same_user = false) {
    auto f = same_user ? u->second.files.upper_bound(cur->file) : u->second.files.begin();
    for (; f != u->second.files.end(); ++f) {
      if (spent >= budget) {
        return spent;  // the cursor still points at the last file visited
      }
      spent += f->first.size() + kScanFileCost;
      cur->started = true;
      cur->user_key = u->first;
      cur->file = f->first;
      if (!visit(u->second, f->second)) return spent;
    }
  }
  cur->done = true;
  return spent;
}

std::vector<Registry::FileRef> Registry::all_files(size_t limit) const {
  std::vector<FileRef> out;
  if (limit == 0) return out;
  ScanCursor cur;
  scan(&cur, SIZE_MAX, [&](const User& u, const SharedFile& f) {
    out.push_back({&u, &f});
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

std::vector<Registry::FileRef> Registry::search(std::string_view needle, size_t limit) const {
  std::vector<FileRef> out;
  if (limit == 0) return out;
  std::string folded = fold_name(needle);
  ScanCursor cur;
  scan(&cur, SIZE_MAX, [&](const User& u, const SharedFile& f) {
    if (contains_folded(f.folded, folded)) out.push_back({&u, &f});
    return out.size() < limit;
  });
  return out;
}

std::vector<Registry::FileRef> Registry::who_has(std::string_view key, size_t limit) const {
  std::vector<FileRef> out;
  auto add = [&](const std::string& owner, const std::string& fname) {
    const User* u = find(owner);
    if (u == nullptr || out.size() >= limit) return;
    auto f = u->files.find(fname);
    if (f != u->files.end()) out.push_back({u, &f->second});
  };
  if (std::string hash; parse_sha256_hex(key, &hash)) {
    auto h = by_hash_.find(hash);
    if (h != by_hash_.end()) {
      for (const auto& [owner, fname] : h->second) add(owner, fname);
    }
    return out;
  }
  auto n = by_name_.find(std::string(key));
  if (n != by_name_.end()) {
    for (const auto& owner : n->second) add(owner, std::string(key));
  }
  return out;
}

}  // namespace peerlink
