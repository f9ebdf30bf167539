// The broker's registry: online users and the index of their shared files.
#include "server/registry.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "common/base/hex.h"

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

static void fold_file(SharedFile* f) {
  if (!f->folded.empty() || f->name.empty()) return;
  f->folded = fold_name(f->name);
}

bool Registry::add(User user) {
  if (contains(user.name)) return false;
  std::string key = fold_name(user.name);
  user.generation = ++last_generation_;
  auto [it, inserted] = users_.emplace(key, std::move(user));
  by_generation_[it->second.generation] = key;
  for (auto& [fname, f] : it->second.files) {
    fold_file(&f);
    index_file(it->second.generation, f);
  }
  return inserted;
}

void Registry::retire(User* u) {
  by_generation_.erase(u->generation);
  if (!u->files.empty()) {
    garbage_files_ += u->files.size();
    graveyard_.emplace_back(u->generation, std::move(u->files));
  }
  u->files = FileMap();
}

void Registry::remove(std::string_view name) {
  auto it = users_.find(fold_name(name));
  if (it == users_.end()) return;
  retire(&it->second);
  users_.erase(it);
}

uint64_t Registry::replace_files(std::string_view name, FileMap files) {
  auto it = users_.find(fold_name(name));
  if (it == users_.end()) return 0;
  User& u = it->second;
  retire(&u);
  u.files = std::move(files);
  for (auto& [fname, f] : u.files) fold_file(&f);  // already done when they were announced
  u.generation = ++last_generation_;
  by_generation_[u.generation] = it->first;
  return u.generation;
}

bool Registry::index_some(std::string_view name, uint64_t generation, std::string* cursor,
                          size_t max_files) {
  auto it = users_.find(fold_name(name));
  if (it == users_.end() || it->second.generation != generation) return true;  // gone
  const FileMap& files = it->second.files;
  auto f = cursor->empty() ? files.begin() : files.upper_bound(*cursor);
  for (size_t n = 0; f != files.end() && n < max_files; ++f, ++n) {
    index_file(generation, f->second);
    *cursor = f->first;
  }
  return f == files.end();
}

size_t Registry::collect(size_t max_entries) {
  size_t done = 0;
  while (done < max_entries && !graveyard_.empty()) {
    FileMap& files = graveyard_.front().second;
    uint64_t generation = graveyard_.front().first;
    while (done < max_entries && !files.empty()) {
      unindex_file(generation, files.begin()->second);
      files.erase(files.begin());
      ++done;
    }
    if (files.empty()) graveyard_.pop_front();
  }
  garbage_files_ -= std::min(garbage_files_, done);
  return done;
}

void Registry::set_files(std::string_view name, std::vector<SharedFile> files) {
  FileMap map;
  for (auto& f : files) {
    std::string key = f.name;
    map[key] = std::move(f);
  }
  uint64_t generation = replace_files(name, std::move(map));
  std::string cursor;
  while (!index_some(name, generation, &cursor, SIZE_MAX)) {
  }
}

void Registry::index_file(uint64_t generation, const SharedFile& f) {
  by_name_[f.name].insert(generation);
  by_hash_[f.sha256].insert({generation, f.name});
}

void Registry::unindex_file(uint64_t generation, const SharedFile& f) {
  auto n = by_name_.find(f.name);
  if (n != by_name_.end()) {
    n->second.erase(generation);
    if (n->second.empty()) by_name_.erase(n);
  }
  auto h = by_hash_.find(f.sha256);
  if (h != by_hash_.end()) {
    h->second.erase({generation, f.name});
    if (h->second.empty()) by_hash_.erase(h);
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
  // Entries of replaced or removed sets may still be there (collect() has not reached them):
  // only a current generation counts.
  auto add = [&](uint64_t generation, const std::string& fname, const std::string* hash) {
    if (out.size() >= limit) return;
    auto g = by_generation_.find(generation);
    if (g == by_generation_.end()) return;
    const User* u = find(g->second);
    if (u == nullptr || u->generation != generation) return;
    auto f = u->files.find(fname);
    if (f == u->files.end() || (hash != nullptr && f->second.sha256 != *hash)) return;
    out.push_back({u, &f->second});
  };
  if (std::string hash; parse_sha256_hex(key, &hash)) {
    auto h = by_hash_.find(hash);
    if (h != by_hash_.end()) {
      for (const auto& [generation, fname] : h->second) {
        if (out.size() >= limit) break;
        add(generation, fname, &hash);
      }
    }
    return out;
  }
  std::string name(key);
  auto n = by_name_.find(name);
  if (n != by_name_.end()) {
    for (uint64_t generation : n->second) {
      if (out.size() >= limit) break;
      add(generation, name, nullptr);
    }
  }
  return out;
}

}  // namespace peerlink::broker
